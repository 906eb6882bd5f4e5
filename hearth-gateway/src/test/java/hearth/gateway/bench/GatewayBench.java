package hearth.gateway.bench;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import hearth.gateway.Logging;
import hearth.gateway.bench.LoadGenerator.Run;
import hearth.gateway.bench.LoadGenerator.Shape;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway-vs-nginx benchmark, driven by {@code deploy/bench/gateway-vs-nginx.sh}. Modes:
 * <ul>
 *   <li>{@code gateway PORT UPSTREAM_URL}: runs Hearth's gateway with one upstream in the {@code fast} tier;</li>
 *   <li>{@code nginx-site PORT UPSTREAM_URL}: prints the equivalent nginx site ({@code --print-nginx});</li>
 *   <li>{@code compare DIRECT NGINX HEARTH ROUNDS SECONDS [NGINX_PID HEARTH_PID [WARMUP_SECONDS]]}: streams completions
 *       through the three URLs and prints a markdown report: time to first token and whole-stream time (p50/p99)
 *       with what each proxy adds over going direct, measured with the paths interleaved request by request at a
 *       light and a heavy load, then each path's throughput alone; CPU per request of both proxies throughout;</li>
 *   <li>{@code load URLS CONCURRENCY TOKENS DELAY_MS SECONDS [PIDS [ROUNDS [WARMUP_SECONDS]]]}: runs against one URL, or
 *       several interleaved request by request (comma-separated, with their proxies' PIDS, 0 for none), for profiling
 *       and A/B comparisons: after a warm-up in the same JVM (so that the load generator's own JIT is done too), ROUNDS
 *       measured runs, one line per URL and round.</li>
 * </ul>
 * Not a test: numbers depend on the machine; see {@code docs/performance.md}.
 */
public final class GatewayBench {
    private GatewayBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gateway" -> gateway(Integer.parseInt(args[1]), args[2]);
            case "nginx-site" -> System.out.print(Gateway.nginxConfig(config(Integer.parseInt(args[1]), args[2])));
            case "compare" -> compare(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args.length > 7 ? Map.of("nginx", Long.parseLong(args[6]), "hearth", Long.parseLong(args[7])) : Map.of(),
                    args.length > 8 ? Integer.parseInt(args[8]) : 40);
            case "load" -> load(args[1], new Shape("load", Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4])),
                    Integer.parseInt(args[5]), args.length > 6 ? args[6] : "", args.length > 7 ? Integer.parseInt(args[7]) : 1,
                    args.length > 8 ? Integer.parseInt(args[8]) : 0);
            default -> throw new IllegalArgumentException("modes: gateway, nginx-site, compare, load");
        }
    }

    static GatewayConfig config(int port, String upstream) {
        GatewayConfig d = GatewayConfig.defaults().withListen("127.0.0.1", port);
        List<TierConfig> tiers = new ArrayList<>();
        for (TierConfig t : d.tiers())
            tiers.add(t.name().equals("fast") ? t.withUpstreams(List.of(StaticUpstream.of("mock", upstream))) : t);
        // -Dbench.virtualThreads=true (GATEWAY_JAVA_OPTS) measures the gateway on virtual threads,
        // -Dbench.eventLoops=N with N event loops (0: a thread per connection), -Dbench.relayLoop=false (with none)
        // with a thread per stream, -Dbench.shortSlice=false with the kernel's default slice
        boolean virtual = Boolean.getBoolean("bench.virtualThreads");
        int events = Integer.getInteger("bench.eventLoops", d.proxy().eventLoops());
        boolean loop = Boolean.parseBoolean(System.getProperty("bench.relayLoop", "true"));
        boolean slice = Boolean.parseBoolean(System.getProperty("bench.shortSlice", "true"));
        return d.withTiers(tiers).withProxy(d.proxy().withThreads(d.proxy().maxThreads(), virtual).withRelayLoop(loop)
                .withShortSlice(slice).withEventLoops(events));
    }

    private static void gateway(int port, String upstream) throws InterruptedException {
        Logging.quietDefaults();
        Gateway g = new Gateway(config(port, upstream)).start();
        System.out.println("LISTENING " + g.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(g::close));
        Thread.currentThread().join();
    }

    private static void compare(String direct, String nginx, String hearth, int rounds, int seconds, Map<String, Long> pids,
            int warmUp) throws Exception {
        List<String> paths = List.of("direct", "nginx", "hearth");
        List<String> urls = List.of(direct, nginx, hearth);
        Shape light = new Shape("light load", 8, 32, 5);
        Shape heavy = new Shape("heavy load", 32, 64, 2); // busy but short of saturating the machine
        Shape saturating = new Shape("throughput", 32, 64, 0);
        List<Shape> shapes = List.of(light, heavy);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // a long-running proxy is measured after its JIT has compiled the hot path, with both shapes seen
        for (String url : urls)
            for (int w = 0; w < 2; w++)
                for (Shape s : List.of(light, saturating)) LoadGenerator.run(client, List.of(url), s, Math.max(1, warmUp / 4));
        if (pids.containsKey("hearth")) settle(client, hearth, pids.get("hearth"), List.of(light, heavy, saturating));
        Map<String, Map<String, List<Run>>> mixed = new LinkedHashMap<>();
        Map<String, List<Run>> alone = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Shape s : shapes) {
                // the light load's rounds are longer: at its rate a p99 needs more requests
                int roundSeconds = seconds * paths.size() * (s == light ? LIGHT_ROUNDS_LONGER : 1);
                List<Run> runs = measured(client, urls, paths, s, roundSeconds, pids);
                for (int i = 0; i < paths.size(); i++) {
                    mixed.computeIfAbsent(s.name(), k -> new LinkedHashMap<>()).computeIfAbsent(paths.get(i), k -> new ArrayList<>()).add(runs.get(i));
                    log(round, s.name() + ", mixed", paths.get(i), runs.get(i));
                }
            }
            for (int i = 0; i < paths.size(); i++) {
                int p = (i + round) % paths.size(); // rotated, so that no path always runs right after another
                Run r = measured(client, List.of(urls.get(p)), List.of(paths.get(p)), saturating, seconds, pids).getFirst();
                alone.computeIfAbsent(paths.get(p), k -> new ArrayList<>()).add(r);
                log(round, "throughput", paths.get(p), r);
            }
        }
        System.out.print(BenchReport.render(shapes, saturating, paths, mixed, alone, rounds, seconds, LIGHT_ROUNDS_LONGER));
    }

    /**
     * More warm-up until the gateway's JIT has settled: on a starved machine the fixed warm-up can end with the compiler
     * threads still taking a large share of the CPU, which would be measured as the gateway's latency. Rounds of every
     * shape until the compiler threads spent under 5 % of the gateway's CPU in one, for at most {@link #SETTLE_SECONDS}.
     */
    private static void settle(HttpClient client, String url, long pid, List<Shape> shapes) throws Exception {
        long deadline = System.nanoTime() + SETTLE_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            double cpu = LoadGenerator.cpuSeconds(pid);
            double jit = LoadGenerator.jitSeconds(pid);
            for (Shape s : shapes) LoadGenerator.run(client, List.of(url), s, 4);
            cpu = LoadGenerator.cpuSeconds(pid) - cpu;
            jit = LoadGenerator.jitSeconds(pid) - jit;
            System.err.printf(Locale.ROOT, "warm-up: hearth's JIT took %.2f of its %.2f CPU seconds%n", jit, cpu);
            if (jit < 0.05 * cpu) return;
        }
    }

    private static final int SETTLE_SECONDS = 180;
    private static final int LIGHT_ROUNDS_LONGER = 3;

    /** One run, with the CPU each proxy spent meanwhile shared out over the requests it served. */
    private static List<Run> measured(HttpClient client, List<String> urls, List<String> paths, Shape s, int seconds,
            Map<String, Long> pids) throws Exception {
        Map<String, double[]> before = new LinkedHashMap<>();
        for (String p : paths) {
            Long pid = pids.get(p);
            if (pid != null) before.put(p, new double[] {LoadGenerator.cpuSeconds(pid), LoadGenerator.jitSeconds(pid)});
        }
        List<Run> runs = new ArrayList<>(LoadGenerator.run(client, urls, s, seconds));
        for (int i = 0; i < paths.size(); i++) {
            Long pid = pids.get(paths.get(i));
            double[] b = before.get(paths.get(i));
            if (pid != null)
                runs.set(i, runs.get(i).withCpu(LoadGenerator.cpuSeconds(pid) - b[0], LoadGenerator.jitSeconds(pid) - b[1]));
        }
        return runs;
    }

    private static void log(int round, String what, String path, Run r) {
        System.err.printf(Locale.ROOT, "round %d %-18s %-6s %7.1f req/s  ttft p50 %6.2f p99 %6.2f ms  stream p50 %7.2f p99 %7.2f ms"
                + "  cpu %.3f ms/req (jit %.3f)  failures %d%n", round, what, path, r.rps(), r.ttftMillis(50), r.ttftMillis(99),
                r.totalMillis(50), r.totalMillis(99), r.cpuMillisPerRequest(), r.jitMillisPerRequest(), r.failures());
    }

    /** {@code URLS} and {@code PIDS} may be comma-separated lists: the URLs are then interleaved request by request. */
    private static void load(String urlList, Shape shape, int seconds, String pidList, int rounds, int warmUp) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> urls = List.of(urlList.split(","));
        String[] pidArgs = pidList.isEmpty() ? new String[0] : pidList.split(",");
        Map<String, Long> pids = new LinkedHashMap<>();
        for (int i = 0; i < pidArgs.length; i++) if (Long.parseLong(pidArgs[i]) > 0) pids.put(urls.get(i), Long.parseLong(pidArgs[i]));
        if (warmUp > 0)
            for (Shape s : List.of(new Shape("throughput", shape.concurrency(), shape.tokens(), 0), shape))
                LoadGenerator.run(client, urls, s, Math.max(1, warmUp / 2));
        for (int round = 1; round <= rounds; round++) {
            List<Run> runs = measured(client, urls, urls, shape, seconds, pids);
            for (int i = 0; i < runs.size(); i++) {
                Run r = runs.get(i);
                System.out.printf(Locale.ROOT, "%s%7.1f req/s  ttft p50 %6.2f p99 %6.2f ms  total p50 %7.2f p99 %7.2f ms  cpu %.3f ms/req (jit %.3f)  failures %d%n",
                        rounds > 1 ? "round " + round + " " + urls.get(i) + " " : "", r.rps(), r.ttftMillis(50), r.ttftMillis(99),
                        r.totalMillis(50), r.totalMillis(99), r.cpuMillisPerRequest(), r.jitMillisPerRequest(), r.failures());
            }
        }
    }
}
