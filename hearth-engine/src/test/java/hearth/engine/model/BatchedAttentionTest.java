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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attention over a batch of tokens (a prompt chunk, or several sequences decoding together) is summed as ggml sums its
 * batched mat-muls (tinyBLAS), with the weighted sum of values vectorised across columns; one token at a time takes the
 * vec_dot form. The two differ only in rounding, so on a model with 64-wide heads the logits of a batch must equal
 * those of the same tokens fed one by one to within float noise; a wrong key, value, head or position anywhere in the
 * batched form moves them by far more (dropping the last position's value moves them by about 0.7 of the largest).
 */
class BatchedAttentionTest {
    private static final int DIM = 128, HEADS = 4, KV_HEADS = 2, HD = 64, FF = 192, VOCAB = 256, LAYERS = 2;
    private static final double TOLERANCE = 1e-2;

    @TempDir
    static Path dir;

    private static WorkerPool pool;
    private static GgufFile file;
    private static Model model;

    @BeforeAll
    static void load() throws Exception {
        pool = new WorkerPool(2);
        file = GgufFile.open(write(dir.resolve("hd64.gguf")));
        model = Architectures.load(file, pool);
    }

    @AfterAll
    static void close() throws Exception {
        if (model != null) model.close();
        if (file != null) file.close();
        pool.close();
    }

    @Test
    void aPromptInOneBatchMatchesItTokenByToken() throws Exception {
        int[] prompt = tokens(60, 3);
        try (KvCache batched = model.newCache(256, KvCacheType.F16, KvCacheType.F16);
             KvCache single = model.newCache(256, KvCacheType.F16, KvCacheType.F16)) {
            BlockManager blocks = new BlockManager(16, 16);
            BlockTable a = table(blocks, prompt.length), b = table(blocks, prompt.length);
            // every token's logits from the batch, against feeding the same tokens one at a time
            float[] all = new float[prompt.length * VOCAB];
            model.forward(new ForwardBatch(prompt, positions(0, prompt.length), fill(a, prompt.length), all(prompt.length)), batched, all);
            float[] one = new float[VOCAB];
            for (int t = 0; t < prompt.length; t++) {
                model.forward(ForwardBatch.ofSequence(new int[] {prompt[t]}, t, b, true), single, one);
                assertClose(slice(all, t), one, "token " + t);
            }
        }
    }

    @Test
    void sequencesDecodingTogetherMatchEachAlone() throws Exception {
        int[] lengths = {5, 23, 37};
        try (KvCache together = model.newCache(512, KvCacheType.F16, KvCacheType.F16);
             KvCache alone = model.newCache(512, KvCacheType.F16, KvCacheType.F16)) {
            BlockManager blocks = new BlockManager(32, 16);
            BlockTable[] shared = new BlockTable[lengths.length], own = new BlockTable[lengths.length];
            int[][] prompts = new int[lengths.length][];
            float[] sink = new float[VOCAB];
            for (int s = 0; s < lengths.length; s++) {
                prompts[s] = tokens(lengths[s], 10 + s);
                shared[s] = table(blocks, lengths[s] + 1);
                own[s] = table(blocks, lengths[s] + 1);
                model.forward(ForwardBatch.ofSequence(prompts[s], 0, shared[s], true), together, sink);
                model.forward(ForwardBatch.ofSequence(prompts[s], 0, own[s], true), alone, sink);
            }
            // one decode step of all three sequences in one batch
            int[] next = {7, 99, 200};
            int[] pos = new int[lengths.length];
            for (int s = 0; s < lengths.length; s++) pos[s] = lengths[s];
            float[] all = new float[lengths.length * VOCAB];
            model.forward(new ForwardBatch(next, pos, shared, all(lengths.length)), together, all);
            float[] one = new float[VOCAB];
            for (int s = 0; s < lengths.length; s++) {
                model.forward(ForwardBatch.ofSequence(new int[] {next[s]}, lengths[s], own[s], true), alone, one);
                assertClose(slice(all, s), one, "sequence " + s);
            }
        }
    }

    @Test
    void oneSequenceDecodesToTheSameBitsWhetherAUnitOfWorkIsAHeadOrTheHeadsOfAKvHead() throws Exception {
        // on two threads a unit of attention work is a KV head and its query heads (two units), on four threads (more
        // threads than KV heads) one query head: the cached rows are read differently, the numbers must not change
        try (WorkerPool four = new WorkerPool(4);
             Model perHead = Architectures.load(file, four);
             KvCache grouped = model.newCache(256, KvCacheType.F16, KvCacheType.F16);
             KvCache single = perHead.newCache(256, KvCacheType.F16, KvCacheType.F16)) {
            BlockManager blocks = new BlockManager(16, 16);
            int[] prompt = tokens(40, 5);
            BlockTable a = table(blocks, prompt.length), b = table(blocks, prompt.length);
            float[] x = new float[VOCAB], y = new float[VOCAB];
            for (int t = 0; t < prompt.length; t++) {
                model.forward(ForwardBatch.ofSequence(new int[] {prompt[t]}, t, a, true), grouped, x);
                perHead.forward(ForwardBatch.ofSequence(new int[] {prompt[t]}, t, b, true), single, y);
                assertThat(y).as("token %d", t).containsExactly(x);
            }
        }
    }

    private static void assertClose(float[] batched, float[] single, String what) {
        double worst = 0, scale = 0;
        for (int i = 0; i < VOCAB; i++) {
            worst = Math.max(worst, Math.abs(batched[i] - single[i]));
            scale = Math.max(scale, Math.abs(single[i]));
        }
        assertThat(scale).as("%s: logits are not all zero", what).isGreaterThan(0.1);
        assertThat(worst / scale).as("%s: largest logit difference relative to the largest logit", what).isLessThan(TOLERANCE);
    }

    private static float[] slice(float[] all, int row) {
        return java.util.Arrays.copyOfRange(all, row * VOCAB, (row + 1) * VOCAB);
    }

    private static int[] tokens(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(VOCAB);
        return t;
    }

    private static int[] positions(int from, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = from + i;
        return p;
    }

    private static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    private static BlockTable table(BlockManager blocks, int tokens) {
        BlockTable t = new BlockTable(16);
        assertThat(t.ensureCapacity(tokens, blocks)).isTrue();
        return t;
    }

    private static BlockTable[] fill(BlockTable t, int n) {
        BlockTable[] a = new BlockTable[n];
        java.util.Arrays.fill(a, t);
        return a;
    }

    private static Path write(Path path) throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("llama"));
        w.put("llama.embedding_length", GgufValue.ofUInt32(DIM));
        w.put("llama.block_count", GgufValue.ofUInt32(LAYERS));
        w.put("llama.feed_forward_length", GgufValue.ofUInt32(FF));
        w.put("llama.attention.head_count", GgufValue.ofUInt32(HEADS));
        w.put("llama.attention.head_count_kv", GgufValue.ofUInt32(KV_HEADS));
        w.put("llama.attention.key_length", GgufValue.ofUInt32(HD));
        w.put("llama.attention.value_length", GgufValue.ofUInt32(HD));
        w.put("llama.context_length", GgufValue.ofUInt32(512));
        w.put("llama.vocab_size", GgufValue.ofUInt32(VOCAB));
        w.put("llama.rope.freq_base", GgufValue.ofFloat32(10000f));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(1e-5f));
        w.addF32("token_embd.weight", new long[] {DIM, VOCAB}, random(r, DIM * VOCAB, 1f));
        w.addF32("output_norm.weight", new long[] {DIM}, random(r, DIM, 1f));
        w.addF32("output.weight", new long[] {DIM, VOCAB}, random(r, DIM * VOCAB, 0.3f));
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            w.addF32(b + "attn_norm.weight", new long[] {DIM}, random(r, DIM, 1f));
            // large q and k weights: sharp, position-dependent attention, so a wrong key or position shows
            w.addF32(b + "attn_q.weight", new long[] {DIM, HEADS * HD}, random(r, DIM * HEADS * HD, 0.5f));
            w.addF32(b + "attn_k.weight", new long[] {DIM, KV_HEADS * HD}, random(r, DIM * KV_HEADS * HD, 0.5f));
            w.addF32(b + "attn_v.weight", new long[] {DIM, KV_HEADS * HD}, random(r, DIM * KV_HEADS * HD, 0.3f));
            w.addF32(b + "attn_output.weight", new long[] {HEADS * HD, DIM}, random(r, HEADS * HD * DIM, 0.3f));
            w.addF32(b + "ffn_norm.weight", new long[] {DIM}, random(r, DIM, 1f));
            w.addF32(b + "ffn_gate.weight", new long[] {DIM, FF}, random(r, DIM * FF, 0.2f));
            w.addF32(b + "ffn_up.weight", new long[] {DIM, FF}, random(r, DIM * FF, 0.2f));
            w.addF32(b + "ffn_down.weight", new long[] {FF, DIM}, random(r, FF * DIM, 0.2f));
        }
        w.write(path);
        return path;
    }

    private static float[] random(SplittableRandom r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }
}
