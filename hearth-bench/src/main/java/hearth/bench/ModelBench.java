package hearth.bench;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.EngineException;
import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.WarmUp;
import hearth.engine.ops.MatMulProfile;
import hearth.engine.sample.SamplingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * llama-bench-style measurement of the embedded engine: prompt processing of {@code p} tokens in one batch (pp) and
 * generation of {@code n} tokens one at a time (tg), each repeated {@code r} times per thread count and context depth.
 * At depth {@code d} (llama-bench's {@code -d}, tests named "pp128 @ d2048") both run after {@code d} tokens already in
 * the context: a random context of {@code d} tokens is prefilled once into the prefix cache, and each repetition
 * continues it, so what is timed is the work at that depth (attention over {@code d} more positions), not the
 * context's own prefill. The pp speed counts the prompt tokens actually computed (the prefix cache reuses whole
 * blocks of the context, so a few of its last tokens may be computed again with the new ones).
 *
 * <p>With several sequence counts ({@code npl}, as llama-batched-bench's {@code -npl}), each count above one adds a
 * test "tg64 x4": that many requests generate {@code n} tokens each at once, decoded together one token of each per
 * model step, and the row gives their aggregate speed (llama-batched-bench's S_TG): all tokens generated over the
 * longest decode time among them. This is the engine's side of {@code hearth serve --parallel N}, without HTTP.
 */
public final class ModelBench {
    /**
     * One row of the table: mean and standard deviation of tokens per second over the repetitions;
     * {@code sequencesPerStep}: how many sequences a model step carried on average (1 for the single-sequence tests).
     */
    public record Row(String model, long sizeBytes, long params, int threads, String test, double mean, double sd, List<Double> samples,
                      double sequencesPerStep) {}

    /**
     * With {@link #withKernels}: one weight type's part of a test's mat-mul sections ({@link MatMulProfile}) per token:
     * sections, MiB of weights read, milliseconds (a tg test's tokens are one-token forward passes; a pp test's share
     * the prompt's passes, so its sections and MiB per token are fractions); the GB/s that makes, and the share of the
     * passes' time (the rest of it: attention, norms, sampling, and the sections of other types).
     */
    public record KernelRow(String model, int threads, String test, String type, double sectionsPerToken,
                            double mibPerToken, double msPerToken, double gigabytesPerSecond, double shareOfStep) {}

    /** The speed rows and, with {@link #withKernels}, the kernel rows of the pp and tg tests. */
    public record Report(List<Row> rows, List<KernelRow> kernels) {}

    private final Path model;
    private final int promptTokens;
    private final int genTokens;
    private final int reps;
    private final List<Integer> depths;
    private final List<Integer> sequences;
    private final boolean kernels;

    public ModelBench(Path model, int promptTokens, int genTokens, int reps) {
        this(model, promptTokens, genTokens, reps, List.of(0), List.of(1));
    }

    /**
     * {@code depths}: context depths to run the tests at (0: an empty context); {@code sequences}: how many sequences
     * generate together (1: the pp and tg tests; more: a batched tg test each).
     */
    public ModelBench(Path model, int promptTokens, int genTokens, int reps, List<Integer> depths, List<Integer> sequences) {
        if (depths.isEmpty() || depths.stream().anyMatch(d -> d < 0)) throw new IllegalArgumentException("depths must be >= 0: " + depths);
        if (sequences.isEmpty() || sequences.stream().anyMatch(n -> n < 1)) throw new IllegalArgumentException("sequence counts must be >= 1: " + sequences);
        this.model = model;
        this.promptTokens = promptTokens;
        this.genTokens = genTokens;
        this.reps = reps;
        this.depths = List.copyOf(depths);
        this.sequences = List.copyOf(sequences);
        this.kernels = false;
    }

    private ModelBench(ModelBench b, boolean kernels) {
        this.model = b.model;
        this.promptTokens = b.promptTokens;
        this.genTokens = b.genTokens;
        this.reps = b.reps;
        this.depths = b.depths;
        this.sequences = b.sequences;
        this.kernels = kernels;
    }

    /** This bench, also profiling the mat-muls of its pp and single-sequence tg tests by weight type. */
    public ModelBench withKernels() {
        return new ModelBench(this, true);
    }

    public List<Row> run(List<Integer> threadCounts) throws IOException {
        return report(threadCounts).rows();
    }

    public Report report(List<Integer> threadCounts) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<KernelRow> kernelRows = new ArrayList<>();
        int deepest = depths.stream().mapToInt(Integer::intValue).max().orElse(0);
        int most = sequences.stream().mapToInt(Integer::intValue).max().orElse(1);
        for (int threads : threadCounts) {
            EngineConfig cfg = EngineConfig.of(model).withThreads(threads).withPrefixCache(deepest > 0).withParallel(most)
                    .withContextSize(deepest + Math.max(promptTokens, genTokens) + 8).withMaxBatchTokens(Math.max(promptTokens, most));
            try (Engine engine = Engine.load(cfg)) {
                int vocab = engine.config().vocabSize();
                String name = engine.name();
                SplittableRandom rnd = new SplittableRandom(42);
                warmUp(engine, vocab, rnd);
                if (most > 1 && genTokens > 0) together(engine, new int[0], vocab, rnd, most); // and those of several rows
                for (int depth : depths) {
                    int[] context = tokens(rnd, vocab, depth);
                    if (depth > 0) runOnce(engine, context, vocab, rnd, 1, 1); // into the prefix cache, untimed
                    String at = depth > 0 ? " @ d" + depth : "";
                    if (promptTokens > 0) {
                        List<Double> s = new ArrayList<>();
                        long passNanos = 0;
                        MatMulProfile profile = kernels ? MatMulProfile.start() : null;
                        for (int i = 0; i < reps; i++) {
                            var u = runOnce(engine, context, vocab, rnd, promptTokens, 1).done().usage();
                            s.add((u.promptTokens() - u.cachedTokens()) * 1e9 / u.prefillNanos());
                            passNanos += u.prefillNanos();
                        }
                        String test = "pp" + promptTokens + at;
                        rows.add(row(name, engine, threads, test, s));
                        if (profile != null) kernelRows.addAll(kernelRows(profile, name, threads, test, (double) promptTokens * reps, passNanos));
                    }
                    if (genTokens > 0) {
                        List<Double> s = new ArrayList<>();
                        // profiled: every forward pass of the test, one token each (the one-token prompt's too)
                        long stepNanos = 0;
                        MatMulProfile profile = kernels ? MatMulProfile.start() : null;
                        for (int i = 0; i < reps; i++) {
                            var u = runOnce(engine, context, vocab, rnd, 1, genTokens + 1).done().usage();
                            s.add(genTokens * 1e9 / u.decodeNanos());
                            stepNanos += u.prefillNanos() + u.decodeNanos();
                        }
                        String test = "tg" + genTokens + at;
                        rows.add(row(name, engine, threads, test, s));
                        double steps = (double) (genTokens + 1) * reps;
                        if (profile != null) kernelRows.addAll(kernelRows(profile, name, threads, test, steps, stepNanos));
                    }
                    for (int n : sequences) {
                        if (n == 1 || genTokens == 0) continue;
                        List<Double> s = new ArrayList<>();
                        double perStep = 0;
                        for (int i = 0; i < reps; i++) {
                            double[] r = together(engine, context, vocab, rnd, n);
                            s.add(r[0]);
                            perStep += r[1] / reps;
                        }
                        rows.add(row(name, engine, threads, "tg" + genTokens + " x" + n + at, s, perStep));
                    }
                }
            }
        }
        return new Report(rows, kernelRows);
    }

    /** Stops the profile; its entries per token of the test ({@code tokens} in all, in {@code nanos} of passes). */
    private static List<KernelRow> kernelRows(MatMulProfile profile, String name, int threads, String test, double tokens, long nanos) {
        profile.stop();
        List<KernelRow> rows = new ArrayList<>();
        for (MatMulProfile.Entry e : profile.entries()) {
            rows.add(new KernelRow(name, threads, test, e.type().name(), e.sections() / tokens, e.bytes() / tokens / 1048576.0,
                    e.nanos() / tokens / 1e6, e.gigabytesPerSecond(), (double) e.nanos() / nanos));
        }
        return rows;
    }

    /** Warm-up runs of each kind at most. */
    private static final int MAX_WARM_UP_RUNS = 10;

    /**
     * Decode-only runs first (a one-token prompt), so that C2 compiles the single-row kernels before any batch kernel
     * has run (see the engine's WarmUp: with the order the other way round, some were compiled with boxed vectors and
     * tg ran 2-3x slower, at random). Then full-size runs, like llama-bench's warm-up. Each kind repeats until a run is
     * no longer 10 % faster than the fastest before it (at least two): C2 compiles on the same cores, and one run left
     * the first timed ones up to 1.8x slower than the rest (SmolLM2 pp128 on one thread: 120, 148, 152, then 194-220
     * tok/s).
     */
    private void warmUp(Engine engine, int vocab, SplittableRandom rnd) {
        if (genTokens > 0) settle(() -> runOnce(engine, new int[0], vocab, rnd, 1, genTokens));
        settle(() -> runOnce(engine, new int[0], vocab, rnd, Math.max(promptTokens, 1), Math.max(genTokens, 1)));
    }

    private static void settle(Runnable run) {
        WarmUp.untilSettled(MAX_WARM_UP_RUNS, System.nanoTime() + Long.MAX_VALUE / 2, run);
    }

    private static int[] tokens(SplittableRandom rnd, int vocab, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(vocab);
        return ids;
    }

    /** Generates {@code gen} tokens after {@code context} followed by {@code prompt} fresh random tokens. */
    private static Engine.Result runOnce(Engine engine, int[] context, int vocab, SplittableRandom rnd, int prompt, int gen) {
        return engine.generate(request(context, vocab, rnd, prompt, gen), null);
    }

    private static GenerateRequest request(int[] context, int vocab, SplittableRandom rnd, int prompt, int gen) {
        int[] ids = Arrays.copyOf(context, context.length + prompt);
        for (int i = context.length; i < ids.length; i++) ids[i] = rnd.nextInt(vocab);
        return new GenerateRequest("bench", ids, SamplingParams.GREEDY, gen, List.of(), true);
    }

    /**
     * {@code n} requests of {@code genTokens} tokens after the context and one fresh token each, queued at once so
     * that they decode together; returns their aggregate tokens per second (all tokens over the longest decode time)
     * and the sequences per model step (generated tokens over the steps the engine took meanwhile).
     */
    private double[] together(Engine engine, int[] context, int vocab, SplittableRandom rnd, int n) {
        long stepsBefore = engine.stats().steps();
        List<CompletableFuture<Event.Done>> ends = new ArrayList<>(n);
        List<GenerateRequest> requests = new ArrayList<>(n);
        List<Consumer<Event>> sinks = new ArrayList<>(n);
        for (int q = 0; q < n; q++) {
            CompletableFuture<Event.Done> end = new CompletableFuture<>();
            requests.add(request(context, vocab, rnd, 1, genTokens + 1));
            sinks.add(e -> {
                if (e instanceof Event.Done d) end.complete(d);
                else if (e instanceof Event.Failed f) end.completeExceptionally(new EngineException(EngineException.Kind.INVALID, f.message()));
            });
            ends.add(end);
        }
        engine.submitAll(requests, sinks); // together: the first must not run steps alone while the others are set up
        long longest = 0;
        for (CompletableFuture<Event.Done> end : ends) longest = Math.max(longest, end.join().usage().decodeNanos());
        // the engine counts a step after that step's events went out: wait (briefly) for the count with the last one
        long until = System.nanoTime() + 2_000_000_000L;
        while (engine.stats().running() > 0 && System.nanoTime() < until) LockSupport.parkNanos(1_000_000);
        long steps = Math.max(1, engine.stats().steps() - stepsBefore);
        return new double[] {(double) n * genTokens * 1e9 / longest, (double) n * (genTokens + 1) / steps};
    }

    private static Row row(String name, Engine e, int threads, String test, List<Double> s) {
        return row(name, e, threads, test, s, 1);
    }

    private static Row row(String name, Engine e, int threads, String test, List<Double> s, double sequencesPerStep) {
        double mean = s.stream().mapToDouble(d -> d).average().orElse(0);
        double var = s.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / Math.max(1, s.size() - 1);
        return new Row(name, e.fileBytes(), e.parameterCount(), threads, test, mean, Math.sqrt(var), List.copyOf(s), sequencesPerStep);
    }

    /** The table as llama-bench prints it (markdown). */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | size | params | backend | threads | test | t/s |\n");
        sb.append("| --- | ---: | ---: | --- | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f MiB | %.2f M | Java CPU | %d | %s | %.2f ± %.2f |%n",
                    r.model(), r.sizeBytes() / 1048576.0, r.params() / 1e6, r.threads(), r.test(), r.mean(), r.sd()));
        }
        return sb.toString();
    }

    /** The kernel rows as a markdown table. */
    public static String kernelMarkdown(List<KernelRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | threads | test | weights | sections/token | MiB/token | ms/token | GB/s | share of step |\n");
        sb.append("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (KernelRow r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.1f | %.2f | %.3f | %.2f | %.1f %% |%n", r.model(), r.threads(),
                    r.test(), r.type(), r.sectionsPerToken(), r.mibPerToken(), r.msPerToken(), r.gigabytesPerSecond(), 100 * r.shareOfStep()));
        }
        return sb.toString();
    }

    /** The kernel rows as a JSON array. */
    public static String kernelJson(List<KernelRow> rows) {
        return jsonArray(rows, r -> String.format(Locale.ROOT,
                "{\"model\": \"%s\", \"threads\": %d, \"test\": \"%s\", \"type\": \"%s\", \"sections_per_token\": %.3f, \"mib_per_token\": %.4f, \"ms_per_token\": %.4f, \"gb_per_s\": %.3f, \"share\": %.4f}",
                quoted(r.model()), r.threads(), r.test(), r.type(), r.sectionsPerToken(), r.mibPerToken(),
                r.msPerToken(), r.gigabytesPerSecond(), r.shareOfStep()));
    }

    /** The rows as a JSON array (hand-written: hearth-bench needs no JSON library for this). */
    public static String json(List<Row> rows) {
        return jsonArray(rows, r -> String.format(Locale.ROOT,
                "{\"model\": \"%s\", \"size_bytes\": %d, \"params\": %d, \"threads\": %d, \"test\": \"%s\", \"tps_mean\": %.3f, \"tps_sd\": %.3f, \"samples\": %s, \"sequences_per_step\": %.2f}",
                quoted(r.model()), r.sizeBytes(), r.params(), r.threads(), r.test(), r.mean(), r.sd(),
                r.samples().stream().map(d -> String.format(Locale.ROOT, "%.3f", d)).toList(), r.sequencesPerStep()));
    }

    /** A JSON array with one object per line, each written by {@code object}. */
    private static <T> String jsonArray(List<T> rows, Function<T, String> object) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) sb.append(i == 0 ? "\n  " : ",\n  ").append(object.apply(rows.get(i)));
        return sb.append("\n]\n").toString();
    }

    /** A model name inside a JSON string: its double quotes escaped. */
    private static String quoted(String s) {
        return s.replace("\"", "\\\"");
    }
}
