package hearth.engine;

import hearth.engine.kv.BlockManager;
import hearth.engine.kv.BlockTable;
import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;
import hearth.engine.model.ForwardBatch;
import hearth.engine.model.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model on made-up tokens until the JIT has compiled its kernels, so that the first real request does not pay
 * for it. Until C2 compiles them, the Vector API kernels run as plain Java on boxed vectors: a cold 40-token prompt
 * took 4.6 s on SmolLM2-135M and 10 s on Qwen2.5-0.5B, 6-12 times as long as a warm one.
 *
 * <p>A round covers every path a server step takes: a prompt chunk (the batched kernels and tinyBLAS attention), four
 * sequences decoding together (the four-row kernels) and one sequence decoding (the single-row kernels, vec_dot
 * attention). Rounds repeat until one is no longer 10 % faster than the fastest before it (the compiler has caught
 * up), or the time budget is spent. The cache is a small one of its own, so the engine's cache and its prefix index stay empty.
 */
public final class WarmUp {
    private WarmUp() {}

    private static final int PROMPT = 32, SEQUENCES = 4, DECODE = 4, BLOCK = 16;
    private static final int SLOTS_PER_SEQUENCE = 48; // PROMPT + 2 * DECODE, rounded up to whole blocks
    private static final int MIN_ROUNDS = 2, MAX_ROUNDS = 30;
    /** A round less than this much faster than the fastest before it counts as settled. */
    private static final double SETTLED = 1.10;

    /** How long each round took, in milliseconds, in order. */
    public record Report(List<Long> roundMillis) {
        public long totalMillis() {
            return roundMillis.stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return roundMillis.size() + " rounds in " + totalMillis() + " ms " + roundMillis;
        }
    }

    static Report run(Model model, KvCacheType typeK, KvCacheType typeV, Duration budget) {
        int vocab = model.config().vocabSize();
        List<Long> rounds = new ArrayList<>();
        try (KvCache cache = model.newCache(SEQUENCES * SLOTS_PER_SEQUENCE, typeK, typeV)) {
            BlockManager blocks = new BlockManager(SEQUENCES * SLOTS_PER_SEQUENCE / BLOCK, BLOCK);
            BlockTable[] tables = new BlockTable[SEQUENCES];
            for (int s = 0; s < SEQUENCES; s++) {
                tables[s] = new BlockTable(BLOCK);
                if (!tables[s].ensureCapacity(SLOTS_PER_SEQUENCE, blocks)) throw new IllegalStateException("warm-up cache too small");
            }
            float[] logits = new float[SEQUENCES * vocab];
            int[] prompt = new int[PROMPT];
            for (int i = 0; i < PROMPT; i++) prompt[i] = (i * 7919 + 13) % vocab;
            long deadline = System.nanoTime() + budget.toNanos();
            long best = Long.MAX_VALUE;
            while (rounds.size() < MAX_ROUNDS && System.nanoTime() < deadline) {
                long started = System.nanoTime();
                model.forward(ForwardBatch.ofSequence(prompt, 0, tables[0], true), cache, logits);
                // positions the other sequences never wrote read as zeros: harmless, only the code paths matter here
                for (int step = 0; step < DECODE; step++) {
                    int[] tokens = new int[SEQUENCES], positions = new int[SEQUENCES];
                    boolean[] want = new boolean[SEQUENCES];
                    for (int s = 0; s < SEQUENCES; s++) {
                        tokens[s] = prompt[(step + s) % PROMPT];
                        positions[s] = PROMPT + step;
                        want[s] = true;
                    }
                    model.forward(new ForwardBatch(tokens, positions, tables, want), cache, logits);
                }
                for (int step = 0; step < DECODE; step++) {
                    model.forward(ForwardBatch.ofSequence(new int[] {prompt[step]}, PROMPT + DECODE + step, tables[0], true), cache, logits);
                }
                long took = System.nanoTime() - started;
                rounds.add(took / 1_000_000);
                if (rounds.size() >= MIN_ROUNDS && took * SETTLED >= best) break; // no longer getting faster
                best = Math.min(best, took);
            }
        }
        return new Report(List.copyOf(rounds));
    }
}
