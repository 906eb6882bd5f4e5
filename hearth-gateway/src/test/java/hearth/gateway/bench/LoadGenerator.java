package hearth.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop streaming clients for the gateway benchmark: each client sends its next chat completion when the last
 * stream has ended at {@code [DONE]}. With several base URLs every client takes them in turn, request by request, so
 * the paths are measured at the same moments under the same total load; on a shared machine that keeps bursts of
 * noise from landing on one path only.
 */
final class LoadGenerator {
    private LoadGenerator() {}

    /** One load shape: concurrent clients, tokens per stream, delay between tokens at the upstream. */
    record Shape(String name, int concurrency, int tokens, int tokenDelayMs) {}

    /** What one path got in one run: sorted time to first byte and whole-stream times, and its proxy's CPU. */
    record Run(long requests, long failures, double seconds, long[] ttftNanos, long[] totalNanos, long events,
            double cpuSeconds, double jitSeconds) {
        Run withCpu(double cpu, double jit) {
            return new Run(requests, failures, seconds, ttftNanos, totalNanos, events, cpu, jit);
        }

        /** CPU the proxy process spent per request (NaN when not measured). */
        double cpuMillisPerRequest() {
            return cpuSeconds <= 0 || requests == 0 ? Double.NaN : cpuSeconds * 1000 / requests;
        }

        /** The part of {@link #cpuMillisPerRequest()} spent by JIT compiler threads. */
        double jitMillisPerRequest() {
            return cpuSeconds <= 0 || requests == 0 ? Double.NaN : jitSeconds * 1000 / requests;
        }

        double rps() {
            return requests / seconds;
        }

        double ttftMillis(double percentile) {
            return pct(ttftNanos, percentile) / 1e6;
        }

        double totalMillis(double percentile) {
            return pct(totalNanos, percentile) / 1e6;
        }
    }

    /** Runs {@code shape} for {@code seconds} against each base URL in turn; one {@link Run} per URL, in order. */
    static List<Run> run(HttpClient client, List<String> bases, Shape shape, int seconds) throws Exception {
        String body = "{\"model\":\"m\",\"stream\":true,\"max_tokens\":" + shape.tokens() + ",\"mock_token_delay_ms\":"
                + shape.tokenDelayMs() + ",\"messages\":[{\"role\":\"user\",\"content\":\"benchmark\"}]}";
        int paths = bases.size();
        List<HttpRequest> requests = new ArrayList<>();
        for (String base : bases)
            requests.add(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        AtomicBoolean stop = new AtomicBoolean();
        // per client and path, so that no two threads touch one list
        Samples[][] samples = new Samples[shape.concurrency()][paths];
        for (Samples[] row : samples) for (int p = 0; p < paths; p++) row[p] = new Samples();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < shape.concurrency(); c++) {
                Samples[] mine = samples[c];
                int first = c % paths;
                pool.submit(() -> {
                    byte[] buf = new byte[8192];
                    for (long i = first; !stop.get(); i++) {
                        int p = (int) (i % paths);
                        stream(client, requests.get(p), buf, mine[p]);
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Run> out = new ArrayList<>();
        for (int p = 0; p < paths; p++) {
            List<Long> tt = new ArrayList<>();
            List<Long> to = new ArrayList<>();
            long failures = 0;
            long events = 0;
            for (Samples[] row : samples) {
                tt.addAll(row[p].ttft);
                to.addAll(row[p].total);
                failures += row[p].failures;
                events += row[p].events;
            }
            long[] ttSorted = tt.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] toSorted = to.stream().mapToLong(Long::longValue).sorted().toArray();
            out.add(new Run(toSorted.length, failures, elapsed, ttSorted, toSorted, events, 0, 0));
        }
        return out;
    }

    private static final class Samples {
        final List<Long> ttft = new ArrayList<>();
        final List<Long> total = new ArrayList<>();
        long failures;
        long events;
    }

    /** One streamed completion, read to its end; a sample only when it ended with {@code [DONE]}. */
    private static void stream(HttpClient client, HttpRequest req, byte[] buf, Samples s) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                long first = 0;
                long seen = 0;
                String tail = "";
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (first == 0 && n > 0) first = System.nanoTime();
                    seen += count(buf, n);
                    String t = tail + new String(buf, 0, n, StandardCharsets.US_ASCII);
                    tail = t.length() > 32 ? t.substring(t.length() - 32) : t;
                }
                long end = System.nanoTime();
                if (r.statusCode() != 200 || !tail.contains("[DONE]")) {
                    s.failures++;
                    return;
                }
                s.events += seen;
                s.ttft.add(first - t0);
                s.total.add(end - t0);
            }
        } catch (IOException e) {
            s.failures++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.failures++;
        }
    }

    /** Counts {@code data:} line starts, i.e. SSE events, in a chunk. */
    private static long count(byte[] b, int n) {
        long c = 0;
        for (int i = 0; i + 4 < n; i++)
            if (b[i] == 'd' && b[i + 1] == 'a' && b[i + 2] == 't' && b[i + 3] == 'a' && b[i + 4] == ':' && (i == 0 || b[i - 1] == '\n')) c++;
        return c;
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** User + system CPU of a process and its children's live processes (nginx workers), from /proc. */
    static double cpuSeconds(long pid) {
        double total = 0;
        List<Long> all = new ArrayList<>();
        all.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.children().forEach(c -> all.add(c.pid())));
        for (long p : all) total += ticks(Path.of("/proc/" + p + "/stat"));
        return total;
    }

    /** CPU of a JVM's JIT compiler threads (live ones: run it with -XX:-UseDynamicNumberOfCompilerThreads). */
    static double jitSeconds(long pid) {
        double total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).contains("CompilerThre")) total += ticks(t.resolve("stat"));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
        return total;
    }

    /** utime + stime of a /proc stat file, in seconds (clock ticks of USER_HZ 100); 0 when it is gone. */
    private static double ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
