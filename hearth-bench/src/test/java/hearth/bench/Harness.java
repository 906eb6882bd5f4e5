package hearth.bench;

import hearth.bench.dataset.DatasetSpec;
import hearth.bench.dataset.LengthRange;
import hearth.bench.dataset.RandomWorkload;
import hearth.bench.dataset.TokenEstimator;
import hearth.bench.dataset.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Shortcuts for the tests that run the load generator against {@link FakeOpenAiServer}. */
final class Harness {
    static final PrintWriter SILENT = new PrintWriter(Writer.nullWriter());

    private Harness() {}

    static StreamClient client(URI url, Endpoint endpoint, String apiKey, boolean stream) {
        return new StreamClient(new StreamClient.Options(url, endpoint, "fake-model", apiKey, stream, true, 0.0, Map.of(),
                Duration.ofSeconds(2)));
    }

    static Workload random(int promptLen, int outputLen) {
        return new RandomWorkload(LengthRange.fixed(promptLen), LengthRange.fixed(outputLen), 0, TokenEstimator.heuristic(), 1);
    }

    static BenchConfig prompts(int n) {
        return new BenchConfig(n, null, Duration.ZERO, Duration.ofSeconds(10), 0, Slo.NONE, Duration.ZERO);
    }

    /** {@code n} measured requests after 8 warm-up ones. */
    static BenchConfig warm(int n) {
        return new BenchConfig(n, null, Duration.ZERO, Duration.ofSeconds(10), 8, Slo.NONE, Duration.ZERO);
    }

    /** Runs one point after {@code cfg.warmup()} unmeasured requests (timing tests need a warm JIT on both ends). */
    static RunData run(StreamClient client, Workload w, BenchConfig cfg, LoadShape shape) throws InterruptedException {
        BenchRunner runner = new BenchRunner(client, w, cfg, Progress.NONE, 7);
        if (cfg.warmup() > 0) runner.warmup(shape);
        return runner.run(shape);
    }

    static RunData run(URI url, Endpoint endpoint, Workload w, BenchConfig cfg, LoadShape shape) throws InterruptedException {
        try (StreamClient c = client(url, endpoint, null, true)) {
            return run(c, w, cfg, shape);
        }
    }

    /** A full {@link ServeBench} spec with the usual test defaults. */
    static ServeBench.Spec spec(URI url, Endpoint endpoint, DatasetSpec dataset, LoadShape load, BenchConfig cfg) {
        return new ServeBench.Spec(url, endpoint, null, null, true, true, 0.0, Map.of(), dataset, load, null, cfg, 3, Duration.ofSeconds(2));
    }

    /** A 127.0.0.1 URL nothing listens on (the port was just free). */
    static URI deadUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }
}
