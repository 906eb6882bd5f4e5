package hearth.gateway.bench;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import hearth.gateway.Logging;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway-vs-nginx benchmark, driven by {@code deploy/bench/gateway-vs-nginx.sh}. Modes:
 * <ul>
 *   <li>{@code gateway PORT UPSTREAM_URL}: runs Hearth's gateway with one upstream in the {@code fast} tier;</li>
 *   <li>{@code nginx-site PORT UPSTREAM_URL}: prints the equivalent nginx site ({@code --print-nginx});</li>
 *   <li>{@code compare DIRECT NGINX HEARTH ROUNDS SECONDS}: streams completions through the three URLs in interleaved
 *       rounds and prints a markdown report: time to first token and whole-stream time (p50/p99) with the overhead
 *       each proxy adds over going direct, and throughput at high concurrency.</li>
 * </ul>
 * Not a test: numbers depend on the machine; see {@code docs/performance.md}.
 */
public final class GatewayBench {
    private GatewayBench() {}

    /** One load shape: concurrent clients, tokens per stream, delay between tokens at the upstream. */
    record Shape(String name, int concurrency, int tokens, int tokenDelayMs) {}

    /** What one run against one target measured. */
    record Run(long requests, long failures, double seconds, long[] ttftNanos, long[] totalNanos, long events, double cpuSeconds) {
        Run withCpu(double cpu) {
            return new Run(requests, failures, seconds, ttftNanos, totalNanos, events, cpu);
        }

        /** CPU the proxy process spent per request (NaN when not measured). */
        double cpuMillisPerRequest() {
            return cpuSeconds <= 0 || requests == 0 ? Double.NaN : cpuSeconds * 1000 / requests;
        }

        double rps() {
            return requests / seconds;
        }

        double eventsPerSecond() {
            return events / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gateway" -> gateway(Integer.parseInt(args[1]), args[2]);
            case "nginx-site" -> System.out.print(Gateway.nginxConfig(config(Integer.parseInt(args[1]), args[2])));
            case "compare" -> compare(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args.length > 7 ? Map.of("nginx", Long.parseLong(args[6]), "hearth", Long.parseLong(args[7])) : Map.of());
            default -> throw new IllegalArgumentException("modes: gateway, nginx-site, compare");
        }
    }

    static GatewayConfig config(int port, String upstream) {
        GatewayConfig d = GatewayConfig.defaults().withListen("127.0.0.1", port);
        List<TierConfig> tiers = new ArrayList<>();
        for (TierConfig t : d.tiers())
            tiers.add(t.name().equals("fast") ? t.withUpstreams(List.of(StaticUpstream.of("mock", upstream))) : t);
        return d.withTiers(tiers);
    }

    private static void gateway(int port, String upstream) throws InterruptedException {
        Logging.quietDefaults();
        Gateway g = new Gateway(config(port, upstream)).start();
        System.out.println("LISTENING " + g.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(g::close));
        Thread.currentThread().join();
    }

    private static void compare(String direct, String nginx, String hearth, int rounds, int seconds, Map<String, Long> pids)
            throws Exception {
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("direct", direct);
        targets.put("nginx", nginx);
        targets.put("hearth", hearth);
        List<Shape> shapes = List.of(new Shape("latency", 8, 32, 5), new Shape("throughput", 32, 64, 0));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String url : targets.values()) run(client, url, new Shape("warm-up", 16, 32, 1), 8);
        Map<String, Map<String, List<Run>>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Shape s : shapes) {
                for (var t : targets.entrySet()) {
                    Long pid = pids.get(t.getKey());
                    double cpu0 = pid == null ? 0 : cpuSeconds(pid);
                    Run r = run(client, t.getValue(), s, seconds);
                    if (pid != null) r = r.withCpu(cpuSeconds(pid) - cpu0);
                    results.computeIfAbsent(s.name(), k -> new LinkedHashMap<>()).computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(r);
                    System.err.printf(Locale.ROOT, "round %d %-10s %-6s %7.1f req/s  ttft p99 %6.2f ms  total p99 %7.2f ms  cpu %.3f ms/req  failures %d%n",
                            round + 1, s.name(), t.getKey(), r.rps(), ms(pct(r.ttftNanos(), 99)), ms(pct(r.totalNanos(), 99)),
                            r.cpuMillisPerRequest(), r.failures());
                }
            }
        }
        System.out.print(report(shapes, results, rounds, seconds));
    }

    /** Closed loop: each client sends its next request when the last stream ended. */
    static Run run(HttpClient client, String base, Shape shape, int seconds) throws Exception {
        String body = "{\"model\":\"m\",\"stream\":true,\"max_tokens\":" + shape.tokens() + ",\"mock_token_delay_ms\":"
                + shape.tokenDelayMs() + ",\"messages\":[{\"role\":\"user\",\"content\":\"benchmark\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        AtomicBoolean stop = new AtomicBoolean();
        List<List<Long>> ttfts = new ArrayList<>();
        List<List<Long>> totals = new ArrayList<>();
        long[] failures = new long[shape.concurrency()];
        long[] events = new long[shape.concurrency()];
        for (int i = 0; i < shape.concurrency(); i++) {
            ttfts.add(new ArrayList<>());
            totals.add(new ArrayList<>());
        }
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < shape.concurrency(); c++) {
                int id = c;
                pool.submit(() -> {
                    byte[] buf = new byte[8192];
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                            try (InputStream in = r.body()) {
                                long first = 0;
                                int n;
                                long seen = 0;
                                String tail = "";
                                while ((n = in.read(buf)) >= 0) {
                                    if (first == 0 && n > 0) first = System.nanoTime();
                                    seen += count(buf, n);
                                    String s = tail + new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
                                    tail = s.length() > 32 ? s.substring(s.length() - 32) : s;
                                }
                                boolean done = tail.contains("[DONE]");
                                long end = System.nanoTime();
                                if (r.statusCode() != 200 || !done) {
                                    failures[id]++;
                                    continue;
                                }
                                events[id] += seen;
                                ttfts.get(id).add(first - t0);
                                totals.get(id).add(end - t0);
                            }
                        } catch (IOException | InterruptedException e) {
                            failures[id]++;
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] tt = flatten(ttfts);
        long[] to = flatten(totals);
        return new Run(to.length, Arrays.stream(failures).sum(), elapsed, tt, to, Arrays.stream(events).sum(), 0);
    }

    /** User + system CPU of a process and its children's live processes (nginx workers), from /proc. */
    static double cpuSeconds(long pid) {
        double total = 0;
        List<Long> all = new ArrayList<>();
        all.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.children().forEach(c -> all.add(c.pid())));
        for (long p : all) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
            } catch (IOException | RuntimeException gone) {
                // exited meanwhile
            }
        }
        return total;
    }

    /** Counts {@code data:} line starts, i.e. SSE events, in a chunk. */
    private static long count(byte[] b, int n) {
        long c = 0;
        for (int i = 0; i + 4 < n; i++)
            if (b[i] == 'd' && b[i + 1] == 'a' && b[i + 2] == 't' && b[i + 3] == 'a' && b[i + 4] == ':' && (i == 0 || b[i - 1] == '\n')) c++;
        return c;
    }

    private static long[] flatten(List<List<Long>> lists) {
        return lists.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Median over rounds of a per-run number. */
    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String report(List<Shape> shapes, Map<String, Map<String, List<Run>>> results, int rounds, int seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Median of %d interleaved rounds, %d s per target and shape.%n%n", rounds, seconds));
        for (Shape s : shapes) {
            var byTarget = results.get(s.name());
            List<Run> direct = byTarget.get("direct");
            double dTtft50 = median(direct, r -> ms(pct(r.ttftNanos(), 50)));
            double dTtft99 = median(direct, r -> ms(pct(r.ttftNanos(), 99)));
            double dTot50 = median(direct, r -> ms(pct(r.totalNanos(), 50)));
            double dTot99 = median(direct, r -> ms(pct(r.totalNanos(), 99)));
            b.append(String.format(Locale.ROOT, "**%s**: %d concurrent streams of %d tokens, %d ms between tokens at the upstream%n%n",
                    s.name(), s.concurrency(), s.tokens(), s.tokenDelayMs()));
            b.append("| path | req/s | events/s | TTFT p50 ms | TTFT p99 ms | added TTFT p99 ms | stream p50 ms | stream p99 ms | added stream p99 ms | proxy CPU ms/req | failures |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (var t : byTarget.entrySet()) {
                List<Run> rs = t.getValue();
                double ttft99 = median(rs, r -> ms(pct(r.ttftNanos(), 99)));
                double tot99 = median(rs, r -> ms(pct(r.totalNanos(), 99)));
                double cpu = median(rs, Run::cpuMillisPerRequest);
                b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f | %s | %.2f | %.2f | %s | %s | %d |%n", t.getKey(),
                        median(rs, Run::rps), median(rs, Run::eventsPerSecond), median(rs, r -> ms(pct(r.ttftNanos(), 50))),
                        ttft99, t.getKey().equals("direct") ? "–" : String.format(Locale.ROOT, "%.2f", ttft99 - dTtft99),
                        median(rs, r -> ms(pct(r.totalNanos(), 50))), tot99,
                        t.getKey().equals("direct") ? "–" : String.format(Locale.ROOT, "%.2f", tot99 - dTot99),
                        Double.isNaN(cpu) ? "–" : String.format(Locale.ROOT, "%.3f", cpu),
                        rs.stream().mapToLong(Run::failures).sum()));
            }
            b.append(String.format(Locale.ROOT, "%n(direct: TTFT p50 %.2f ms, stream p50 %.2f ms)%n%n", dTtft50, dTot50));
        }
        return b.toString();
    }
}
