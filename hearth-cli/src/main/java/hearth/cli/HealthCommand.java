package hearth.cli;

import hearth.cli.health.HealthProbe;
import hearth.cli.health.HealthReport;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hearth health [URL]}: health, loaded models and key metrics of a running server; exit 0 when healthy. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show health, models and key metrics of a running server (Hearth, llama-server or vLLM).")
final class HealthCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "URL",
            description = "server base URL (default: $HEARTH_URL, else http://127.0.0.1:$PORT, else port 8080)")
    String url;

    @Option(names = "--api-key", description = "bearer key for /v1/models and /metrics (default: $API_KEY)")
    String apiKey;

    @Option(names = "--timeout", defaultValue = "5", description = "seconds per request (default ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "print nothing; only the exit status tells (for health checks)")
    boolean quiet;

    Map<String, String> env = System.getenv();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    @Override
    public Integer call() {
        String key = apiKey != null ? apiKey : env.getOrDefault("API_KEY", env.get("HEARTH_API_KEY"));
        HealthReport r = new HealthProbe(Duration.ofMillis((long) (timeoutSeconds * 1000)), key).probe(target());
        if (!quiet) out.print(json ? HealthFormat.json(r) : HealthFormat.text(r));
        return r.healthy() ? 0 : 1;
    }

    URI target() {
        String u = url != null ? url : env.get("HEARTH_URL");
        if (u == null) u = "http://127.0.0.1:" + env.getOrDefault("PORT", "8080");
        if (!u.contains("://")) u = "http://" + u;
        return URI.create(u);
    }
}
