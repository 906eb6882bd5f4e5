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
import java.util.stream.Stream;

/**
 * Runs a model on made-up tokens until the JIT has compiled its kernels, so that the first real request does not pay
 * for it. Until C2 compiles them, the Vector API kernels run as plain Java on boxed vectors: a cold 40-token prompt
 * took 4.6 s on SmolLM2-135M and 10 s on Qwen2.5-0.5B, 6-12 times as long as a warm one.
 *
 * <p>First, one sequence decodes alone, round after round, so that C2 compiles the single-row kernels before any batch
 * kernel has run. The order matters: the Vector API's shared methods (FloatVector.fma and the like) gather one type
 * profile for every caller, and when the batch kernels (256- and 512-bit) have filled them first, C2 compiled some
 * single-row kernels with boxed vectors, and decoding after a prompt ran 2-3x slower, at random from one start to the
 * next (Qwen2.5-0.5B with the Q5_0 copy, one thread: 7-19 tok/s after a 128-token prompt, 27-33 decoding first; see
 * docs/performance.md).
 *
 * <p>Then a round covers every path a server step takes: a prompt chunk (the batched kernels and tinyBLAS attention),
 * four sequences decoding together (the four-row kernels) and one sequence decoding (the single-row kernels, vec_dot
 * attention). In both phases rounds repeat until one is no longer 10 % faster than the fastest before it (the compiler
 * has caught up), or the time budget is spent. The cache is a small one of its own, so the engine's cache and its
 * prefix index stay empty.
 */
public final class WarmUp {
    private WarmUp() {}

    private static final int PROMPT = 32, SEQUENCES = 4, DECODE = 4, ALONE = 16, BLOCK = 16;
    private static final int SLOTS_PER_SEQUENCE = 48; // PROMPT + 2 * DECODE, rounded up to whole blocks
    private static final int MIN_ROUNDS = 2, MAX_ROUNDS = 30;
    /** A round less than this much faster than the fastest before it counts as settled. */
    private static final double SETTLED = 1.10;

    /** How long each round took, in milliseconds, in order: those of one sequence decoding alone, then the full ones. */
    public record Report(List<Long> aloneMillis, List<Long> roundMillis) {
        public long totalMillis() {
            return Stream.concat(aloneMillis.stream(), roundMillis.stream()).mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return aloneMillis.size() + " + " + roundMillis.size() + " rounds in " + totalMillis() + " ms " + aloneMillis + " " + roundMillis;
        }
    }

    static Report run(Model model, KvCacheType typeK, KvCacheType typeV, Duration budget) {
        int vocab = model.config().vocabSize();
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
            List<Long> alone = untilSettled(MAX_ROUNDS, deadline, () -> {
                for (int step = 0; step < ALONE; step++) {
                    model.forward(ForwardBatch.ofSequence(new int[] {prompt[step]}, step, tables[0], true), cache, logits);
                }
            });
            List<Long> rounds = untilSettled(MAX_ROUNDS, deadline, () -> {
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
            });
            return new Report(alone, rounds);
        }
    }

    /**
     * Runs {@code round} until one is no longer 10 % faster than the fastest before it (at least two rounds), at most
     * {@code maxRounds} times and not past {@code deadline} ({@link System#nanoTime}); returns the rounds' milliseconds.
     * The rule of this warm-up, for other warm-ups too (the model benchmark's).
     */
    public static List<Long> untilSettled(int maxRounds, long deadline, Runnable round) {
        List<Long> rounds = new ArrayList<>();
        long best = Long.MAX_VALUE;
        while (rounds.size() < maxRounds && deadline - System.nanoTime() > 0) {
            long started = System.nanoTime();
            round.run();
            long took = System.nanoTime() - started;
            rounds.add(took / 1_000_000);
            if (rounds.size() >= MIN_ROUNDS && took * SETTLED >= best) break; // no longer getting faster
            best = Math.min(best, took);
        }
        return List.copyOf(rounds);
    }
}
