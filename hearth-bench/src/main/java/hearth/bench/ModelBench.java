package hearth.bench;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.GenerateRequest;
import hearth.engine.sample.SamplingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * llama-bench-style measurement of the embedded engine: prompt processing of {@code p} tokens in one batch (pp) and
 * generation of {@code n} tokens one at a time (tg), each repeated {@code r} times per thread count.
 */
public final class ModelBench {
    /** One row of the table: mean and standard deviation of tokens per second over the repetitions. */
    public record Row(String model, long sizeBytes, long params, int threads, String test, double mean, double sd, List<Double> samples) {}

    private final Path model;
    private final int promptTokens;
    private final int genTokens;
    private final int reps;

    public ModelBench(Path model, int promptTokens, int genTokens, int reps) {
        this.model = model;
        this.promptTokens = promptTokens;
        this.genTokens = genTokens;
        this.reps = reps;
    }

    public List<Row> run(List<Integer> threadCounts) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int threads : threadCounts) {
            EngineConfig cfg = EngineConfig.of(model).withThreads(threads).withPrefixCache(false)
                    .withContextSize(Math.max(promptTokens, genTokens) + 8).withMaxBatchTokens(Math.max(promptTokens, 1));
            try (Engine engine = Engine.load(cfg)) {
                int vocab = engine.config().vocabSize();
                String name = engine.name();
                SplittableRandom rnd = new SplittableRandom(42);
                // warm-up at full size, like llama-bench: the mat-mul kernels of batches and of single rows get compiled by C2
                runOnce(engine, vocab, rnd, Math.max(promptTokens, 1), Math.max(genTokens, 1));
                if (promptTokens > 0) {
                    List<Double> s = new ArrayList<>();
                    for (int i = 0; i < reps; i++) {
                        var u = runOnce(engine, vocab, rnd, promptTokens, 1).done().usage();
                        s.add(promptTokens * 1e9 / u.prefillNanos());
                    }
                    rows.add(row(name, engine, threads, "pp" + promptTokens, s));
                }
                if (genTokens > 0) {
                    List<Double> s = new ArrayList<>();
                    for (int i = 0; i < reps; i++) {
                        var u = runOnce(engine, vocab, rnd, 1, genTokens + 1).done().usage();
                        s.add(genTokens * 1e9 / u.decodeNanos());
                    }
                    rows.add(row(name, engine, threads, "tg" + genTokens, s));
                }
            }
        }
        return rows;
    }

    private static Engine.Result runOnce(Engine engine, int vocab, SplittableRandom rnd, int prompt, int gen) {
        int[] ids = new int[prompt];
        for (int i = 0; i < prompt; i++) ids[i] = rnd.nextInt(vocab);
        var req = new GenerateRequest("bench", ids, SamplingParams.GREEDY, gen, List.of(), true);
        return engine.generate(req, null);
    }

    private static Row row(String name, Engine e, int threads, String test, List<Double> s) {
        double mean = s.stream().mapToDouble(d -> d).average().orElse(0);
        double var = s.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / Math.max(1, s.size() - 1);
        return new Row(name, e.fileBytes(), e.parameterCount(), threads, test, mean, Math.sqrt(var), List.copyOf(s));
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

    /** The rows as a JSON array (hand-written: hearth-bench needs no JSON library for this). */
    public static String json(List<Row> rows) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "  {\"model\": \"%s\", \"size_bytes\": %d, \"params\": %d, \"threads\": %d, \"test\": \"%s\", \"tps_mean\": %.3f, \"tps_sd\": %.3f, \"samples\": %s}",
                    r.model().replace("\"", "\\\""), r.sizeBytes(), r.params(), r.threads(), r.test(), r.mean(), r.sd(),
                    r.samples().stream().map(d -> String.format(Locale.ROOT, "%.3f", d)).toList()));
        }
        return sb.append("\n]\n").toString();
    }
}
