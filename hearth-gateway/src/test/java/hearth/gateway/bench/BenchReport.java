package hearth.gateway.bench;

import hearth.gateway.bench.LoadGenerator.Run;
import hearth.gateway.bench.LoadGenerator.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The markdown tables {@code deploy/bench/gateway-vs-nginx.sh} prints: medians over rounds, and ratios to nginx. */
final class BenchReport {
    private BenchReport() {}

    private static final List<ToDoubleFunction<Run>> LATENCIES = List.of(r -> r.ttftMillis(50), r -> r.ttftMillis(99),
            r -> r.totalMillis(50), r -> r.totalMillis(99));

    /**
     * @param mixed per shape, per path, one run per round of the interleaved latency measurement
     * @param alone per path, one run per round of the path alone under {@code throughput}
     */
    static String render(List<Shape> shapes, Shape throughput, List<String> paths, Map<String, Map<String, List<Run>>> mixed,
            Map<String, List<Run>> alone, int rounds, int seconds, int lightLonger) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Latency: the paths interleaved request by request (%d s per round, %d s for the light "
                + "load, %d rounds); \"added\" is the path's percentile minus the direct path's in the same round, median over "
                + "rounds.%n%n", seconds * paths.size(), seconds * paths.size() * lightLonger, rounds));
        for (Shape s : shapes) {
            var byPath = mixed.get(s.name());
            List<Run> direct = byPath.get("direct");
            b.append(String.format(Locale.ROOT, "**%s**: %d concurrent streams of %d tokens, %d ms between tokens at the upstream%n%n",
                    s.name(), s.concurrency(), s.tokens(), s.tokenDelayMs()));
            b.append("| path | TTFT p50 ms | added | TTFT p99 ms | added | stream p50 ms | added | stream p99 ms | added "
                    + "| proxy CPU ms/req | of it JIT | failures |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Map<String, double[]> addedBy = new LinkedHashMap<>();
            for (String p : paths) {
                List<Run> rs = byPath.get(p);
                b.append("| ").append(p);
                double[] add = new double[LATENCIES.size()];
                for (int m = 0; m < LATENCIES.size(); m++) {
                    b.append(" | ").append(num(median(rs, LATENCIES.get(m)), "%.2f"));
                    add[m] = p.equals("direct") ? Double.NaN : added(rs, direct, LATENCIES.get(m));
                    b.append(" | ").append(num(add[m], "%.2f"));
                }
                addedBy.put(p, add);
                b.append(" | ").append(num(median(rs, Run::cpuMillisPerRequest), "%.3f"))
                        .append(" | ").append(num(median(rs, Run::jitMillisPerRequest), "%.3f"))
                        .append(" | ").append(rs.stream().mapToLong(Run::failures).sum()).append(" |\n");
            }
            double[] h = addedBy.get("hearth");
            double[] n = addedBy.get("nginx");
            b.append(String.format(Locale.ROOT, "%nhearth's added time / nginx's: TTFT p50 %s, TTFT p99 %s, stream p50 %s, "
                    + "stream p99 %s; CPU per request without JIT %s%n%n", ratio(h[0], n[0]), ratio(h[1], n[1]),
                    ratio(h[2], n[2]), ratio(h[3], n[3]), cpuRatio(byPath)));
        }
        b.append(String.format(Locale.ROOT, "**throughput**: each path alone, %d concurrent streams of %d tokens, %d ms between "
                + "tokens (%d s per path and round)%n%n", throughput.concurrency(), throughput.tokens(), throughput.tokenDelayMs(), seconds));
        b.append("| path | req/s | events/s | proxy CPU ms/req | of it JIT | failures |\n|---|---:|---:|---:|---:|---:|\n");
        for (String p : paths) {
            List<Run> rs = alone.get(p);
            b.append("| ").append(p).append(" | ").append(num(median(rs, Run::rps), "%.0f"))
                    .append(" | ").append(num(median(rs, r -> r.events() / r.seconds()), "%.0f"))
                    .append(" | ").append(num(median(rs, Run::cpuMillisPerRequest), "%.3f"))
                    .append(" | ").append(num(median(rs, Run::jitMillisPerRequest), "%.3f"))
                    .append(" | ").append(rs.stream().mapToLong(Run::failures).sum()).append(" |\n");
        }
        b.append(String.format(Locale.ROOT, "%nhearth's CPU per request without JIT / nginx's: %s%n", cpuRatio(alone)));
        return b.toString();
    }

    private static String cpuRatio(Map<String, List<Run>> byPath) {
        double h = median(byPath.get("hearth"), r -> r.cpuMillisPerRequest() - r.jitMillisPerRequest());
        double n = median(byPath.get("nginx"), Run::cpuMillisPerRequest);
        return Double.isNaN(h) || Double.isNaN(n) ? "–" : String.format(Locale.ROOT, "%.1f×", h / n);
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        return median(runs.stream().mapToDouble(f).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Median over rounds of what a path adds to a percentile against the direct path in the same round. */
    private static double added(List<Run> runs, List<Run> direct, ToDoubleFunction<Run> f) {
        double[] d = new double[runs.size()];
        for (int i = 0; i < d.length; i++) d[i] = f.applyAsDouble(runs.get(i)) - f.applyAsDouble(direct.get(i));
        return median(d);
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    /** hearth's added time as a multiple of nginx's; meaningless when nginx adds (almost) nothing. */
    private static String ratio(double hearth, double nginx) {
        return nginx < 0.05 ? "n/a (nginx adds < 0.05 ms)" : String.format(Locale.ROOT, "%.2f×", hearth / nginx);
    }
}
