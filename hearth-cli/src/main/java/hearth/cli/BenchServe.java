package hearth.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.bench.BenchConfig;
import hearth.bench.BenchException;
import hearth.bench.ConsoleProgress;
import hearth.bench.Endpoint;
import hearth.bench.LoadShape;
import hearth.bench.ServeBench;
import hearth.bench.Slo;
import hearth.bench.Sweep;
import hearth.bench.dataset.DatasetSpec;
import hearth.bench.dataset.LengthRange;
import hearth.bench.report.HtmlReport;
import hearth.bench.report.JsonResult;
import hearth.bench.report.SummaryTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth bench serve}: load-tests any OpenAI-compatible server with vLLM {@code bench serve}'s metrics. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test an OpenAI-compatible server (Hearth, llama-server, vLLM, ...) and report throughput, TTFT, "
                + "TPOT, ITL and E2E latency with vLLM bench serve's definitions.",
                "Bounded by --num-prompts and/or --duration (default: 100 prompts)."})
final class BenchServe implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", required = true, description = "server root, e.g. http://127.0.0.1:8080 (a trailing /v1 is fine)")
    String url;

    @Option(names = "--model", description = "model name to send (default: the first id of GET /v1/models)")
    String model;

    @Option(names = "--api-key", description = "sent as 'Authorization: Bearer KEY'")
    String apiKey;

    @Option(names = "--endpoint", defaultValue = "/v1/completions", description = "/v1/completions or /v1/chat/completions (default: ${DEFAULT-VALUE})")
    String endpoint;

    @Option(names = "--stream", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "stream the answers (default); --no-stream measures E2E only")
    boolean stream;

    @Option(names = "--ignore-eos", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "ask for exactly the output length (ignore_eos, min_tokens; default on)")
    boolean ignoreEos;

    @Option(names = "--temperature", defaultValue = "0", description = "sampling temperature (default: ${DEFAULT-VALUE}); 'none' to not send one")
    String temperature;

    @Option(names = "--extra-body", description = "JSON object merged into every request body, e.g. '{\"top_k\": 1}'")
    String extraBody;

    @Option(names = {"--concurrency", "--max-concurrency"}, description = "clients in a closed loop; with --request-rate, the cap on requests in flight (default: 1)")
    Integer concurrency;

    @Option(names = "--request-rate", description = "open loop: requests per second (or 'inf'), Poisson arrivals")
    String requestRate;

    @Option(names = "--burstiness", defaultValue = "1", description = "gamma shape of the arrival gaps: 1 Poisson, <1 burstier, >1 steadier")
    double burstiness;

    @Option(names = "--num-prompts", description = "requests to send per load point")
    Integer numPrompts;

    @Option(names = "--duration", description = "seconds during which requests are started, per load point")
    Double duration;

    @Option(names = "--drain", defaultValue = "10", description = "after --duration, seconds in-flight requests may finish before they are cancelled (default: ${DEFAULT-VALUE})")
    double drain;

    @Option(names = "--timeout", defaultValue = "600", description = "seconds one request may take (default: ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "--connect-timeout", defaultValue = "10", description = "seconds to open a connection (default: ${DEFAULT-VALUE})")
    double connectTimeout;

    @Option(names = "--warmup", defaultValue = "2", description = "requests sent first and not counted (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--dataset", defaultValue = "random", description = "random, file, agent, or a prompt file path (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--dataset-path", description = "JSONL (prompt / messages / ShareGPT conversations) or a JSON array; for file and agent")
    Path datasetPath;

    @Option(names = "--prompt-len", defaultValue = "256", description = "prompt tokens, N or MIN:MAX (random and agent turns; default: ${DEFAULT-VALUE})")
    String promptLen;

    @Option(names = "--output-len", description = "output tokens, N or MIN:MAX (default: 128, or the file's own lengths)")
    String outputLen;

    @Option(names = "--prefix-len", defaultValue = "0", description = "tokens at the start of every random prompt that are the same in all")
    int prefixLen;

    @Option(names = "--system-len", defaultValue = "0", description = "agent: tokens of a system prompt shared by all conversations")
    int systemLen;

    @Option(names = "--turns", defaultValue = "4", description = "agent: user turns per synthetic conversation (default: ${DEFAULT-VALUE})")
    int turns;

    @Option(names = "--think-time-ms", defaultValue = "0", description = "agent: pause between turns, as for tool calls")
    long thinkTimeMs;

    @Option(names = "--slo", arity = "1..*", description = "goodput objectives in ms: ttft_ms=500 tpot_ms=50 e2e_ms=10000")
    List<String> slo;

    @Option(names = "--sweep", description = "several load points: concurrency=1,2,4,8 or request-rate=1,2,4")
    String sweep;

    @Option(names = "--seed", description = "seed for prompts and arrivals (default: a new one each run, so that a rerun "
            + "does not find its prompts in the server's prefix cache; the JSON records it)")
    Long seed;

    @Option(names = "--json", description = "write every figure and the run's parameters to this file")
    Path json;

    @Option(names = "--report", description = "write an HTML page with plots into this directory")
    Path report;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServeBench.Spec s;
        try {
            s = toSpec();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ServeBench.Result result;
        try {
            result = ServeBench.run(s, ConsoleProgress.forTerminal(quiet), err, p -> {
                out.print(SummaryTable.point(p.summary(), p.coordinate()));
                out.flush();
            });
        } catch (BenchException e) {
            err.println("hearth bench: error: " + e.getMessage());
            return 1;
        }
        if (result.points().size() > 1) out.print("\n" + SummaryTable.sweep(s.sweep().label(), result.points()));
        out.flush();
        if (json != null) {
            JsonResult.write(result, json);
            err.println("hearth bench: wrote " + json);
        }
        if (report != null) err.println("hearth bench: wrote " + HtmlReport.write(result, report));
        boolean nothingWorked = result.points().stream().anyMatch(p -> p.summary().completed() == 0 && p.summary().failed() > 0);
        return nothingWorked ? 1 : 0;
    }

    ServeBench.Spec toSpec() throws IOException {
        LoadShape load;
        if (requestRate != null) {
            double rate = requestRate.strip().equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : number("--request-rate", requestRate);
            load = new LoadShape.Poisson(rate, burstiness, concurrency == null ? 0 : concurrency);
        } else {
            load = new LoadShape.Closed(concurrency == null ? 1 : concurrency);
        }
        int n = numPrompts != null ? numPrompts : duration != null ? 0 : 100;
        BenchConfig cfg = new BenchConfig(n, duration == null ? null : seconds(duration), seconds(drain), seconds(timeout), warmup,
                slo == null ? Slo.NONE : Slo.parse(slo), Duration.ofMillis(thinkTimeMs));
        Double temp = temperature.equalsIgnoreCase("none") ? null : number("--temperature", temperature);
        URI base = hearth.bench.ServerProbe.normalize(url);
        return new ServeBench.Spec(base, Endpoint.parse(endpoint), model, apiKey, stream, ignoreEos, temp, extraBody(), datasetSpec(),
                load, sweep == null ? null : Sweep.parse(sweep), cfg,
                seed != null ? seed : new java.security.SecureRandom().nextLong(), seconds(connectTimeout));
    }

    DatasetSpec datasetSpec() {
        DatasetSpec.Kind kind;
        Path path = datasetPath;
        switch (dataset.toLowerCase(Locale.ROOT)) {
            case "random" -> kind = DatasetSpec.Kind.RANDOM;
            case "file", "jsonl", "sharegpt" -> kind = DatasetSpec.Kind.FILE;
            case "agent" -> kind = DatasetSpec.Kind.AGENT;
            default -> {
                if (!Files.isRegularFile(Path.of(dataset))) {
                    throw new IllegalArgumentException("--dataset is random, file, agent or an existing file; got '" + dataset + "'");
                }
                kind = DatasetSpec.Kind.FILE;
                path = Path.of(dataset);
            }
        }
        if (path != null && !Files.isRegularFile(path)) throw new IllegalArgumentException("no such dataset file: " + path);
        if (kind == DatasetSpec.Kind.FILE && path == null) throw new IllegalArgumentException("--dataset file needs --dataset-path FILE");
        return new DatasetSpec(kind, path, LengthRange.parse(promptLen), outputLen == null ? null : LengthRange.parse(outputLen),
                prefixLen, systemLen, turns, 128);
    }

    private Map<String, Object> extraBody() {
        if (extraBody == null) return Map.of();
        try {
            return new ObjectMapper().readValue(extraBody, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("--extra-body must be a JSON object: " + e.getMessage());
        }
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
        }
    }

    private static Duration seconds(double s) {
        if (s < 0 || Double.isNaN(s)) throw new IllegalArgumentException("durations must be >= 0 seconds, got " + s);
        return Duration.ofNanos((long) (s * 1e9));
    }
}
