package hearth.engine.model;

import hearth.engine.gguf.GgufFile;
import hearth.engine.kv.BlockTable;
import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;
import hearth.engine.ops.GgmlMath;
import hearth.engine.ops.MatMul;
import hearth.engine.ops.Rope;
import hearth.engine.ops.VectorMath;
import hearth.engine.ops.WorkerPool;
import hearth.engine.tensor.Tensor;

/**
 * The llama family forward pass: pre-norm decoder blocks with grouped-query attention, RoPE and a SwiGLU FFN.
 * Covers {@code llama} (and Mistral-style files), {@code qwen2} (QKV bias, NeoX RoPE) and {@code qwen3} (per-head q/k
 * RMSNorm); the differences are optional weights, chosen by {@link Architectures}.
 */
public final class Llama implements Model {
    private final GgufFile file;
    private final ModelConfig c;
    private final WorkerPool pool;
    private final Tensor tokenEmbd;  // [dim, vocab]
    private final float[] outputNorm;
    private final Tensor output;     // [dim, vocab]; token_embd when tied
    private final LayerWeights[] layers;
    private final Rope rope;
    private Scratch s = new Scratch(0, null);

    Llama(GgufFile file, ModelConfig c, WorkerPool pool) {
        this.file = file;
        this.c = c;
        this.pool = pool;
        Weights w = new Weights(file);
        this.tokenEmbd = w.matrix("token_embd.weight", c.dim(), c.vocabSize());
        this.outputNorm = w.vector("output_norm.weight", c.dim());
        this.output = w.has("output.weight") ? w.matrix("output.weight", c.dim(), c.vocabSize()) : tokenEmbd;
        this.layers = new LayerWeights[c.layers()];
        for (int l = 0; l < c.layers(); l++) layers[l] = layer(w, "blk." + l + ".");
        float[] freqFactors = w.optionalVector("rope_freqs.weight", c.rope().dims() / 2);
        this.rope = new Rope(c.rope(), freqFactors);
    }

    private LayerWeights layer(Weights w, String p) {
        int dim = c.dim();
        return new LayerWeights(
                w.vector(p + "attn_norm.weight", dim),
                w.matrix(p + "attn_q.weight", dim, c.qDim()),
                w.matrix(p + "attn_k.weight", dim, c.kvDimK()),
                w.matrix(p + "attn_v.weight", dim, c.kvDimV()),
                w.matrix(p + "attn_output.weight", (long) c.heads() * c.headDimV(), dim),
                w.optionalVector(p + "attn_q.bias", c.qDim()),
                w.optionalVector(p + "attn_k.bias", c.kvDimK()),
                w.optionalVector(p + "attn_v.bias", c.kvDimV()),
                w.optionalVector(p + "attn_q_norm.weight", c.headDimK()),
                w.optionalVector(p + "attn_k_norm.weight", c.headDimK()),
                w.vector(p + "ffn_norm.weight", dim),
                w.matrix(p + "ffn_gate.weight", dim, c.ffnDim()),
                w.matrix(p + "ffn_up.weight", dim, c.ffnDim()),
                w.matrix(p + "ffn_down.weight", c.ffnDim(), dim));
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public long fileBytes() {
        return file.fileBytes();
    }

    @Override
    public KvCache newCache(int slots, KvCacheType typeK, KvCacheType typeV) {
        return new KvCache(c.layers(), slots, c.kvHeads(), c.kvDimK(), c.kvDimV(), typeK, typeV);
    }

    /** Activation buffers for up to {@code n} tokens, reused between steps (the model is driven by one thread). */
    private record Scratch(int n, float[][] bufs) {
        float[] x() { return bufs[0]; }
        float[] xb() { return bufs[1]; }
        float[] q() { return bufs[2]; }
        float[] k() { return bufs[3]; }
        float[] v() { return bufs[4]; }
        float[] att() { return bufs[5]; }
        float[] gate() { return bufs[6]; }
        float[] up() { return bufs[7]; }
        float[] rope() { return bufs[8]; }
        float[] proj() { return bufs[9]; }
    }

    private Scratch scratch(int n) {
        if (s.n() >= n) return s;
        int m = Math.max(n, 1);
        int qd = Math.max(c.qDim(), c.heads() * c.headDimV());
        s = new Scratch(m, new float[][] {
            new float[m * c.dim()], new float[m * c.dim()], new float[m * c.qDim()], new float[m * c.kvDimK()],
            new float[m * c.kvDimV()], new float[m * qd], new float[m * c.ffnDim()], new float[m * c.ffnDim()],
            new float[m * rope.tableSize()], new float[m * c.dim()]});
        return s;
    }

    @Override
    public void forward(ForwardBatch batch, KvCache cache, float[] logits) {
        int n = batch.size();
        Scratch s = scratch(n);
        int dim = c.dim();
        float[] x = s.x();
        for (int t = 0; t < n; t++) {
            MatMul.dequantizeRow(tokenEmbd, batch.tokens()[t], x, t * dim);
            rope.fill(batch.positions()[t], s.rope(), t * rope.tableSize());
        }
        int m = n;
        for (int l = 0; l < layers.length; l++) {
            attentionBlock(l, layers[l], batch, cache, s);
            // like llama.cpp, the last FFN, final norm and LM head run only for the tokens that want logits (after the
            // last attention nothing else reads the other rows); this also decides how ggml sums those mat-muls
            if (l == layers.length - 1) m = keepLogitRows(batch, x);
            if (m > 0) ffnBlock(layers[l], m, s);
        }
        for (int t = 0; t < m; t++) VectorMath.rmsNorm(x, t * dim, outputNorm, c.rmsEps(), s.xb(), t * dim, dim);
        if (m > 0) MatMul.matMul(pool, output, s.xb(), m, logits);
    }

    /** Moves the rows of x of the tokens that want logits to the front, in order; returns how many there are. */
    private int keepLogitRows(ForwardBatch batch, float[] x) {
        int dim = c.dim();
        int m = 0;
        for (int t = 0; t < batch.size(); t++) {
            if (!batch.logits()[t]) continue;
            if (m != t) System.arraycopy(x, t * dim, x, m * dim, dim);
            m++;
        }
        return m;
    }

    private void attentionBlock(int l, LayerWeights w, ForwardBatch batch, KvCache cache, Scratch s) {
        int n = batch.size();
        int dim = c.dim();
        float[] x = s.x();
        for (int t = 0; t < n; t++) VectorMath.rmsNorm(x, t * dim, w.attnNorm(), c.rmsEps(), s.xb(), t * dim, dim);
        // QKV projections: [n, dim] -> [n, qDim], [n, kvDimK], [n, kvDimV]
        // one parallel section for the three (k and v are small: sections of their own cost more in hand-offs than
        // they compute)
        MatMul.matMuls(pool, s.xb(), n, new Tensor[] {w.wq(), w.wk(), w.wv()}, new float[][] {s.q(), s.k(), s.v()});
        for (int t = 0; t < n; t++) {
            addBias(s.q(), t * c.qDim(), w.bq(), c.qDim());
            addBias(s.k(), t * c.kvDimK(), w.bk(), c.kvDimK());
            addBias(s.v(), t * c.kvDimV(), w.bv(), c.kvDimV());
            if (w.qNorm() != null) headNorm(s.q(), t * c.qDim(), c.heads(), w.qNorm());
            if (w.kNorm() != null) headNorm(s.k(), t * c.kvDimK(), c.kvHeads(), w.kNorm());
            rope.apply(s.q(), t * c.qDim(), c.heads(), c.headDimK(), s.rope(), t * rope.tableSize());
            rope.apply(s.k(), t * c.kvDimK(), c.kvHeads(), c.headDimK(), s.rope(), t * rope.tableSize());
            cache.store(l, batch.tables()[t].slot(batch.positions()[t]), s.k(), t * c.kvDimK(), s.v(), t * c.kvDimV());
        }
        attention(l, batch, cache, s);
        // output projection and residual
        MatMul.matMul(pool, w.wo(), s.att(), n, s.proj());
        VectorMath.add(s.proj(), 0, x, 0, n * dim);
    }

    /**
     * Causal attention of every (token, head) over its own sequence's cached positions 0..pos, rounded like llama.cpp's
     * non-flash attention: q·k and the weighted sum of v are ggml mat-muls in the cache's type (with an F16 cache, q and
     * the softmax weights are rounded to F16 first), summed the way tinyBLAS (batches of 2+ tokens) or ggml's vec_dot
     * (single tokens) sums them, and the softmax is ggml's.
     */
    private void attention(int l, ForwardBatch batch, KvCache cache, Scratch s) {
        int n = batch.size();
        int heads = c.heads();
        int group = heads / c.kvHeads();
        int hdK = c.headDimK();
        int hdV = c.headDimV();
        float scale = 1.0f / (float) Math.sqrt(hdK);
        float[] q = s.q();
        float[] out = s.att();
        boolean f16K = cache.typeK() == KvCacheType.F16;
        boolean f16V = cache.typeV() == KvCacheType.F16;
        // ggml routes a mat-mul through llamafile's tinyBLAS when it has 2+ columns (tokens) and the sizes fit it
        boolean kqSgemm = n >= 2 && hdK % 8 == 0;
        boolean kqvSgemm = n >= 2 && hdV % 4 == 0;
        int maxLen = 0;
        for (int t = 0; t < n; t++) maxLen = Math.max(maxLen, batch.positions()[t] + 1);
        int len = maxLen;
        // unit of work: a segment (up to SEGMENT consecutive tokens of one sequence, as in a prefill chunk) and a group
        // of query heads sharing a KV head: the segment's cached K and V rows are read (converted from the cache's
        // type) once for all its tokens and heads. Only with fewer such units than threads (one sequence decoding with
        // a single KV head) is a unit one token and one head instead. Reading the cached rows once per KV head rather
        // than once per query head outweighs the uneven split of few units (one sequence of SmolLM2: three units on
        // two threads): `bench model -d 1840`, two threads, SmolLM2 Q8_0 tg32 30.6-32.7 tok/s against 22.0-28.1
        // (docs/performance.md, eighth session).
        int kvHeads = c.kvHeads();
        int[] segs = segments(batch, SEGMENT);
        boolean grouped = (segs.length - 1) * kvHeads >= pool.threads();
        int[] bounds = grouped ? segs : segments(batch, 1);
        int perUnit = grouped ? group : 1;
        int unitsPerSegment = heads / perUnit;
        pool.parallelFor((bounds.length - 1) * unitsPerSegment, 1, (from, to) -> {
            float[][] buf = ATTENTION_ROWS.get();
            float[] scores = grow(buf, 2, perUnit * len);
            float[] qh = grow(buf, 3, perUnit * hdK);
            float[] acc = kqvSgemm ? null : grow(buf, 4, perUnit * 32 * hdV);
            float[] lane = grow(buf, 5, 32);
            for (int i = from; i < to; i++) {
                int t0 = bounds[i / unitsPerSegment], t1 = bounds[i / unitsPerSegment + 1];
                int h0 = (i % unitsPerSegment) * perUnit;
                int kvh = h0 / group;
                BlockTable table = batch.tables()[t0];
                int rows = batch.positions()[t1 - 1] + 1;
                float[] kb = grow(buf, 0, rows * hdK), vb = grow(buf, 1, rows * hdV);
                // the positions of a block sit in consecutive slots: one read per block
                for (int p = 0, bs = table.blockSize(); p < rows; ) {
                    int slot = table.slot(p), run = Math.min(rows - p, bs - p % bs);
                    cache.loadK(l, slot, run, kvh * hdK, kb, p * hdK, hdK);
                    cache.loadV(l, slot, run, kvh * hdV, vb, p * hdV, hdV);
                    p += run;
                }
                for (int t = t0; t < t1; t++) {
                    int positions = batch.positions()[t] + 1;
                    for (int hh = 0; hh < perUnit; hh++) {
                        int qOff = t * c.qDim() + (h0 + hh) * hdK;
                        for (int i2 = 0; i2 < hdK; i2++) {
                            qh[hh * hdK + i2] = f16K ? Float.float16ToFloat(Float.floatToFloat16(q[qOff + i2])) : q[qOff + i2];
                        }
                    }
                    if (kqSgemm) {
                        for (int hh = 0; hh < perUnit; hh++) GgmlMath.dotsSgemm(kb, hdK, qh, hh * hdK, positions, scale, scores, hh * len);
                    } else {
                        for (int p = 0; p < positions; p++) {
                            for (int hh = 0; hh < perUnit; hh++) {
                                int qo = hh * hdK;
                                float kq = f16K ? GgmlMath.dotF16(kb, p * hdK, qh, qo, hdK, lane) : GgmlMath.dotF32(kb, p * hdK, qh, qo, hdK, lane);
                                scores[hh * len + p] = kq * scale;
                            }
                        }
                    }
                    for (int hh = 0; hh < perUnit; hh++) {
                        int so = hh * len;
                        GgmlMath.softmax(scores, so, positions);
                        if (f16V) for (int p = 0; p < positions; p++) scores[so + p] = Float.float16ToFloat(Float.floatToFloat16(scores[so + p]));
                    }
                    int oOff = (t * heads + h0) * hdV; // output of token t, head h0; head h0 + hh starts hh * hdV further
                    if (kqvSgemm) {
                        for (int hh = 0; hh < perUnit; hh++) {
                            GgmlMath.weightedSumSgemm(vb, hdV, scores, hh * len, positions, out, oOff + hh * hdV);
                        }
                    } else {
                        // vec_dot: position p lands in lane p % 32 of four 8-lane accumulators
                        java.util.Arrays.fill(acc, 0, perUnit * 32 * hdV, 0f);
                        for (int p = 0; p < positions; p++) {
                            for (int hh = 0; hh < perUnit; hh++) {
                                GgmlMath.fmaRow(vb, p * hdV, scores[hh * len + p], acc, (hh * 32 + p % 32) * hdV, hdV);
                            }
                        }
                        for (int hh = 0; hh < perUnit; hh++) {
                            GgmlMath.reduce32Columns(acc, hh * 32 * hdV, hdV, out, oOff + hh * hdV);
                        }
                    }
                }
            }
        });
    }

    /** Tokens per attention segment: the cached rows a segment reads are converted once for all of its tokens. */
    private static final int SEGMENT = 16;

    /**
     * Per compute thread, grown on demand and kept between calls: a segment's cached K rows and V rows as floats, then
     * the scores, the query heads, the vec_dot accumulators and a lane scratch of a unit.
     */
    private static final ThreadLocal<float[][]> ATTENTION_ROWS = ThreadLocal.withInitial(() -> new float[6][0]);

    private static float[] grow(float[][] buf, int i, int size) {
        if (buf[i].length < size) buf[i] = new float[Math.max(size, buf[i].length * 3 / 2)];
        return buf[i];
    }

    /**
     * Start indices of runs of at most {@code max} tokens that belong to one sequence at consecutive positions, then
     * the batch size: run r is tokens [result[r], result[r + 1]).
     */
    private static int[] segments(ForwardBatch batch, int max) {
        int n = batch.size();
        int[] starts = new int[n + 1];
        int count = 0;
        for (int t = 0; t < n; t++) {
            boolean continues = t > 0 && t - starts[count - 1] < max && batch.tables()[t] == batch.tables()[t - 1]
                    && batch.positions()[t] == batch.positions()[t - 1] + 1;
            if (!continues) starts[count++] = t;
        }
        starts[count] = n;
        return java.util.Arrays.copyOf(starts, count + 1);
    }

    private void ffnBlock(LayerWeights w, int n, Scratch s) {
        int dim = c.dim();
        int ff = c.ffnDim();
        float[] x = s.x();
        for (int t = 0; t < n; t++) VectorMath.rmsNorm(x, t * dim, w.ffnNorm(), c.rmsEps(), s.xb(), t * dim, dim);
        // gate and up in one parallel section, each chunk finishing its rows with SwiGLU (no serial SwiGLU after the
        // section, during which the worker would stop polling)
        float[] gate = s.gate(), up = s.up();
        MatMul.matMuls(pool, s.xb(), n, new Tensor[] {w.ffnGate(), w.ffnUp()}, new float[][] {gate, up}, (from, to) -> {
            for (int t = 0; t < n; t++) GgmlMath.swiglu(gate, t * ff, up, t * ff, ff, from, to);
        });
        MatMul.matMul(pool, w.ffnDown(), s.gate(), n, s.proj());
        VectorMath.add(s.proj(), 0, x, 0, n * dim);
    }

    private static void addBias(float[] a, int off, float[] bias, int n) {
        if (bias != null) VectorMath.add(bias, 0, a, off, n);
    }

    private void headNorm(float[] a, int off, int heads, float[] weight) {
        int hd = c.headDimK();
        for (int h = 0; h < heads; h++) VectorMath.rmsNorm(a, off + h * hd, weight, c.rmsEps(), a, off + h * hd, hd);
    }

    /** The file stays open: whoever opened it closes it (see {@code ModelLoader}). */
    @Override
    public void close() {}
}
