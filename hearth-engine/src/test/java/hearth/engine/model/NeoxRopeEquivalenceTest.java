package hearth.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.gguf.GgufFile;
import hearth.engine.gguf.GgufValue;
import hearth.engine.gguf.GgufWriter;
import hearth.engine.kv.BlockManager;
import hearth.engine.kv.BlockTable;
import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;
import hearth.engine.ops.WorkerPool;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qwen2/qwen3 paths against the llama path on hand-made models. NeoX RoPE rotates pairs (i, i + d/2) where llama
 * rotates (2i, 2i+1); permuting the rows of Wq and Wk accordingly turns one model into the other exactly, so a qwen2
 * file with permuted weights and zero QKV bias must produce the llama file's logits. A QKV bias and per-head q/k
 * norms must change the output (the tensors are really used).
 */
class NeoxRopeEquivalenceTest {
    private static final int DIM = 64, HEADS = 4, KV_HEADS = 2, HD = 16, FF = 96, VOCAB = 300, LAYERS = 2;

    @TempDir
    Path dir;

    private static float[] random(SplittableRandom r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    /** Copies the rows of a [in, heads*HD] matrix so that output row p(j) of each head holds input row j. */
    private static float[] permuteRows(float[] w, int in, int heads, IntUnaryOperator p) {
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < HD; j++) {
                System.arraycopy(w, (h * HD + j) * in, out, (h * HD + p.applyAsInt(j)) * in, in);
            }
        }
        return out;
    }

    private Path write(String name, String arch, boolean neoxRows, boolean bias, boolean qkNorm) throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        GgufWriter w = new GgufWriter();
        String p = arch + ".";
        w.put("general.architecture", GgufValue.of(arch));
        w.put(p + "embedding_length", GgufValue.ofUInt32(DIM));
        w.put(p + "block_count", GgufValue.ofUInt32(LAYERS));
        w.put(p + "feed_forward_length", GgufValue.ofUInt32(FF));
        w.put(p + "attention.head_count", GgufValue.ofUInt32(HEADS));
        w.put(p + "attention.head_count_kv", GgufValue.ofUInt32(KV_HEADS));
        w.put(p + "attention.key_length", GgufValue.ofUInt32(HD));
        w.put(p + "attention.value_length", GgufValue.ofUInt32(HD));
        w.put(p + "context_length", GgufValue.ofUInt32(128));
        w.put(p + "vocab_size", GgufValue.ofUInt32(VOCAB));
        w.put(p + "rope.freq_base", GgufValue.ofFloat32(10000f));
        w.put(p + "attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(1e-6f));
        // normal pair (2i, 2i+1) -> NeoX pair (i, i + HD/2)
        IntUnaryOperator toNeox = j -> j % 2 == 0 ? j / 2 : j / 2 + HD / 2;
        w.addF32("token_embd.weight", new long[] {DIM, VOCAB}, random(r, DIM * VOCAB, 1f));
        w.addF32("output_norm.weight", new long[] {DIM}, random(r, DIM, 0.2f));
        w.addF32("output.weight", new long[] {DIM, VOCAB}, random(r, DIM * VOCAB, 0.2f));
        SplittableRandom extras = new SplittableRandom(99);
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            float[] wq = random(r, DIM * HEADS * HD, 0.2f);
            float[] wk = random(r, DIM * KV_HEADS * HD, 0.2f);
            w.addF32(b + "attn_norm.weight", new long[] {DIM}, random(r, DIM, 1f));
            w.addF32(b + "attn_q.weight", new long[] {DIM, HEADS * HD}, neoxRows ? permuteRows(wq, DIM, HEADS, toNeox) : wq);
            w.addF32(b + "attn_k.weight", new long[] {DIM, KV_HEADS * HD}, neoxRows ? permuteRows(wk, DIM, KV_HEADS, toNeox) : wk);
            w.addF32(b + "attn_v.weight", new long[] {DIM, KV_HEADS * HD}, random(r, DIM * KV_HEADS * HD, 0.2f));
            w.addF32(b + "attn_output.weight", new long[] {HEADS * HD, DIM}, random(r, HEADS * HD * DIM, 0.2f));
            w.addF32(b + "ffn_norm.weight", new long[] {DIM}, random(r, DIM, 1f));
            w.addF32(b + "ffn_gate.weight", new long[] {DIM, FF}, random(r, DIM * FF, 0.2f));
            w.addF32(b + "ffn_up.weight", new long[] {DIM, FF}, random(r, DIM * FF, 0.2f));
            w.addF32(b + "ffn_down.weight", new long[] {FF, DIM}, random(r, FF * DIM, 0.2f));
            if (arch.equals("qwen2")) {
                float s = bias ? 0.5f : 0f;
                w.addF32(b + "attn_q.bias", new long[] {HEADS * HD}, random(extras, HEADS * HD, s));
                w.addF32(b + "attn_k.bias", new long[] {KV_HEADS * HD}, random(extras, KV_HEADS * HD, s));
                w.addF32(b + "attn_v.bias", new long[] {KV_HEADS * HD}, random(extras, KV_HEADS * HD, s));
            }
            if (qkNorm) {
                w.addF32(b + "attn_q_norm.weight", new long[] {HD}, random(extras, HD, 1f));
                w.addF32(b + "attn_k_norm.weight", new long[] {HD}, random(extras, HD, 1f));
            }
        }
        Path file = dir.resolve(name + ".gguf");
        w.write(file);
        return file;
    }

    private static float[] logits(Path file, int[] prompt) throws Exception {
        try (WorkerPool pool = new WorkerPool(1); GgufFile f = GgufFile.open(file); Model m = Architectures.load(f, pool);
             KvCache cache = m.newCache(64, KvCacheType.F32, KvCacheType.F32)) {
            BlockTable t = new BlockTable(16);
            assertThat(t.ensureCapacity(prompt.length, new BlockManager(4, 16))).isTrue();
            float[] out = new float[VOCAB];
            m.forward(ForwardBatch.ofSequence(prompt, 0, t, true), cache, out);
            return out;
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }

    private final int[] prompt = {3, 17, 250, 42, 9, 101, 77, 5};

    @Test
    void qwen2WithPermutedWeightsAndZeroBiasEqualsLlama() throws Exception {
        float[] llama = logits(write("llama", "llama", false, false, false), prompt);
        float[] qwen2 = logits(write("qwen2", "qwen2", true, false, false), prompt);
        assertThat(maxDiff(llama, qwen2)).isLessThan(1e-4);
        // the same weights without the permutation are a different model: NeoX rotation is really applied
        float[] unpermuted = logits(write("qwen2-raw", "qwen2", false, false, false), prompt);
        assertThat(maxDiff(llama, unpermuted)).isGreaterThan(1e-2);
    }

    @Test
    void qkvBiasAndQkNormChangeTheOutput() throws Exception {
        float[] plain = logits(write("q2", "qwen2", true, false, false), prompt);
        float[] biased = logits(write("q2b", "qwen2", true, true, false), prompt);
        float[] normed = logits(write("q3", "qwen3", true, false, true), prompt);
        assertThat(maxDiff(plain, biased)).isGreaterThan(1e-2);
        assertThat(maxDiff(plain, normed)).isGreaterThan(1e-2);
    }
}
