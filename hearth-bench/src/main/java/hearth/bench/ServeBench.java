package hearth.bench;

import hearth.bench.dataset.DatasetSpec;
import hearth.bench.dataset.TokenEstimator;
import hearth.bench.dataset.Words;
import hearth.bench.dataset.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code hearth bench serve} without the command line: resolves the model, sizes prompts with the server's
 * tokenizer when it has one, warms up, then measures each load point (one, or each value of a sweep), scraping
 * {@code /metrics} around each point for the prefix-cache hit rate.
 */
public final class ServeBench {
    /** Everything a run needs. {@code model} null: the first of {@code /v1/models}; {@code sweep} null: one point. */
    public record Spec(URI url, Endpoint endpoint, String model, String apiKey, boolean stream, boolean ignoreEos,
                       Double temperature, Map<String, Object> extraBody, DatasetSpec dataset, LoadShape load,
                       Sweep sweep, BenchConfig config, long seed, Duration connectTimeout) {}

    /** One measured load point: its sweep coordinate ({@code {}} without a sweep), raw data and figures. */
    public record Point(Map<String, Object> coordinate, RunData data, Summary summary) {}

    /** A whole run: parameters as they go into the JSON, and its points in order. */
    public record Result(Map<String, Object> parameters, List<Point> points) {}

    private ServeBench() {}

    /**
     * Runs every load point in turn, handing each to {@code onPoint} as soon as it is measured; notes on what is
     * going on (model, prompt sizing, warm-up) go to {@code log}.
     */
    public static Result run(Spec spec, Progress progress, PrintWriter log, Consumer<Point> onPoint)
            throws BenchException, InterruptedException {
        try (ServerProbe probe = new ServerProbe(spec.url(), spec.apiKey(), spec.connectTimeout())) {
            String model = spec.model() != null ? spec.model() : probe.firstModel();
            TokenEstimator tokens = calibrate(probe, model, spec.seed());
            log.println("hearth bench: " + probe.base() + spec.endpoint().path() + "  model " + model + "  prompt sizes "
                    + (tokens.measured() ? "from the server's /tokenize" : "estimated at 4 characters a token") + "  seed " + spec.seed());
            log.flush();
            Workload workload;
            try {
                workload = spec.dataset().build(tokens, spec.seed());
            } catch (IOException | IllegalArgumentException e) {
                throw new BenchException("dataset: " + e.getMessage());
            }
            var opts = new StreamClient.Options(probe.base(), spec.endpoint(), model, spec.apiKey(), spec.stream(),
                    spec.ignoreEos(), spec.temperature(), spec.extraBody(), spec.connectTimeout());
            List<Map<String, Object>> coords = new ArrayList<>();
            List<LoadShape> shapes = new ArrayList<>();
            if (spec.sweep() == null) {
                coords.add(Map.of());
                shapes.add(spec.load());
            } else {
                for (double v : spec.sweep().values()) {
                    coords.add(Map.of(spec.sweep().label(), v));
                    shapes.add(spec.sweep().apply(spec.load(), v));
                }
            }
            List<Point> points = new ArrayList<>();
            try (StreamClient client = new StreamClient(opts)) {
                BenchRunner runner = new BenchRunner(client, workload, spec.config(), progress, spec.seed());
                if (spec.config().warmup() > 0) warmup(runner, shapes.getFirst(), log);
                for (int i = 0; i < shapes.size(); i++) {
                    String before = probe.metrics();
                    RunData data = runner.run(shapes.get(i));
                    PrefixCacheStats cache = PrefixCacheStats.between(before, probe.metrics());
                    Point point = new Point(coords.get(i), data, Summary.of(data, spec.config().slo(), cache));
                    points.add(point);
                    onPoint.accept(point);
                    if (data.stoppedEarly() != null) {
                        if (i + 1 < shapes.size()) log.println("hearth bench: stopping the sweep: " + data.stoppedEarly());
                        log.flush();
                        break;
                    }
                }
            }
            return new Result(parameters(spec, probe.base(), model, tokens, workload), points);
        }
    }

    private static void warmup(BenchRunner runner, LoadShape shape, PrintWriter log) throws BenchException, InterruptedException {
        RunData w = runner.warmup(shape);
        long failed = w.results().stream().filter(r -> r.error() != null).count();
        log.printf("hearth bench: warm-up %d requests in %.1f s, %d failed%n", w.results().size(), w.durationSeconds(), failed);
        log.flush();
        boolean allFatal = !w.results().isEmpty() && w.results().stream().allMatch(r -> r.error() != null && r.error().kind().fatal());
        if (allFatal) throw new BenchException("every warm-up request failed: " + w.results().getFirst().error());
    }

    /** Tokens per character of the synthetic text, measured with the server's tokenizer when it has {@code /tokenize}. */
    static TokenEstimator calibrate(ServerProbe probe, String model, long seed) {
        String sample = Words.text(new SplittableRandom(seed), 4000);
        int n = probe.tokenCount(model, sample);
        return n > 0 ? TokenEstimator.measured(sample, n) : TokenEstimator.heuristic();
    }

    private static Map<String, Object> parameters(Spec spec, URI base, String model, TokenEstimator tokens, Workload workload) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("started_at", Instant.now().toString());
        p.put("url", base.toString());
        p.put("endpoint", spec.endpoint().path());
        p.put("model", model);
        p.put("stream", spec.stream());
        p.put("ignore_eos", spec.ignoreEos());
        p.put("temperature", spec.temperature());
        p.put("extra_body", spec.extraBody());
        p.put("load", spec.load().parameters());
        p.put("load_description", spec.load().describe());
        p.put("sweep", spec.sweep() == null ? null : Map.of("parameter", spec.sweep().label(), "values", spec.sweep().values()));
        p.put("dataset", workload.parameters());
        p.put("dataset_description", workload.describe());
        p.put("tokens_per_char", tokens.tokensPerChar());
        p.putAll(spec.config().parameters());
        p.put("seed", spec.seed());
        return p;
    }
}
