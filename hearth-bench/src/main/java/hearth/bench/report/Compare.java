package hearth.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.bench.Fmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code hearth bench compare A.json B.json}: the two results' figures side by side with B/A, point by point
 * (points are paired by sweep coordinate when both runs have the same ones, else in order). A ratio is marked
 * {@code better} or {@code worse} by the figure's direction: throughputs and hit rates up, latencies and errors down.
 */
public final class Compare {
    /** A figure: label, path into a run ({@code summary.ttft_ms.mean}), and whether higher is better. */
    record Metric(String label, String path, boolean higherIsBetter) {}

    static final List<Metric> METRICS = List.of(
            new Metric("successful requests", "summary.completed", true),
            new Metric("failed requests", "summary.failed", false),
            new Metric("duration (s)", "summary.duration_s", false),
            new Metric("request throughput (req/s)", "summary.request_throughput", true),
            new Metric("goodput (req/s)", "summary.goodput", true),
            new Metric("output throughput (tok/s)", "summary.output_throughput", true),
            new Metric("peak output (tok/s)", "summary.peak_output_throughput", true),
            new Metric("total throughput (tok/s)", "summary.total_throughput", true),
            new Metric("TTFT mean (ms)", "summary.ttft_ms.mean", false),
            new Metric("TTFT median (ms)", "summary.ttft_ms.median", false),
            new Metric("TTFT p90 (ms)", "summary.ttft_ms.p90", false),
            new Metric("TTFT p99 (ms)", "summary.ttft_ms.p99", false),
            new Metric("TPOT mean (ms)", "summary.tpot_ms.mean", false),
            new Metric("TPOT median (ms)", "summary.tpot_ms.median", false),
            new Metric("TPOT p90 (ms)", "summary.tpot_ms.p90", false),
            new Metric("TPOT p99 (ms)", "summary.tpot_ms.p99", false),
            new Metric("ITL mean (ms)", "summary.itl_ms.mean", false),
            new Metric("ITL median (ms)", "summary.itl_ms.median", false),
            new Metric("ITL p90 (ms)", "summary.itl_ms.p90", false),
            new Metric("ITL p99 (ms)", "summary.itl_ms.p99", false),
            new Metric("E2E mean (ms)", "summary.e2e_ms.mean", false),
            new Metric("E2E median (ms)", "summary.e2e_ms.median", false),
            new Metric("E2E p90 (ms)", "summary.e2e_ms.p90", false),
            new Metric("E2E p99 (ms)", "summary.e2e_ms.p99", false),
            new Metric("prefix cache hit rate", "summary.prefix_cache.hit_rate", true));

    private Compare() {}

    public static String render(JsonNode a, String nameA, JsonNode b, String nameB) {
        StringBuilder sb = new StringBuilder();
        sb.append("A: ").append(nameA).append("  ").append(describe(a)).append('\n');
        sb.append("B: ").append(nameB).append("  ").append(describe(b)).append('\n');
        JsonNode runsA = a.path("runs"), runsB = b.path("runs");
        List<JsonNode[]> pairs = pair(runsA, runsB);
        if (pairs.size() < Math.max(runsA.size(), runsB.size())) {
            sb.append(String.format(Locale.ROOT, "note: A has %d load points and B %d; comparing the %d that match%n",
                    runsA.size(), runsB.size(), pairs.size()));
        }
        for (JsonNode[] p : pairs) {
            sb.append('\n').append("load A: ").append(p[0].path("summary").path("load").asText())
                    .append("   load B: ").append(p[1].path("summary").path("load").asText()).append('\n');
            sb.append(String.format(Locale.ROOT, "%-28s %12s %12s %9s%n", "", "A", "B", "B/A"));
            for (Metric m : METRICS) {
                JsonNode va = at(p[0], m.path()), vb = at(p[1], m.path());
                if (!va.isNumber() && !vb.isNumber()) continue;
                sb.append(String.format(Locale.ROOT, "%-28s %12s %12s %9s%s%n", m.label(), value(va), value(vb),
                        ratio(va, vb), verdict(m, va, vb)));
            }
        }
        return sb.toString();
    }

    static List<JsonNode[]> pair(JsonNode runsA, JsonNode runsB) {
        List<JsonNode[]> out = new ArrayList<>();
        boolean sameCoordinates = runsA.size() == runsB.size();
        for (int i = 0; sameCoordinates && i < runsA.size(); i++) {
            sameCoordinates = runsA.get(i).path("coordinate").equals(runsB.get(i).path("coordinate"));
        }
        if (!sameCoordinates) {
            // pair by coordinate where one matches, else fall back to order
            for (JsonNode ra : runsA) {
                for (JsonNode rb : runsB) {
                    if (!ra.path("coordinate").isEmpty() && ra.path("coordinate").equals(rb.path("coordinate"))) out.add(new JsonNode[] {ra, rb});
                }
            }
            if (!out.isEmpty()) return out;
        }
        for (int i = 0; i < Math.min(runsA.size(), runsB.size()); i++) out.add(new JsonNode[] {runsA.get(i), runsB.get(i)});
        return out;
    }

    private static String describe(JsonNode r) {
        JsonNode p = r.path("parameters");
        return p.path("model").asText("?") + " @ " + p.path("url").asText("?") + p.path("endpoint").asText("")
                + "  (" + p.path("dataset_description").asText("") + ")";
    }

    static JsonNode at(JsonNode run, String path) {
        JsonNode n = run;
        for (String part : path.split("\\.")) n = n.path(part);
        return n;
    }

    private static String value(JsonNode v) {
        if (!v.isNumber()) return "-";
        if (v.isIntegralNumber()) return Long.toString(v.longValue());
        return Fmt.fixed(v.doubleValue(), Math.abs(v.doubleValue()) >= 100 ? 1 : 3);
    }

    static String ratio(JsonNode a, JsonNode b) {
        if (!a.isNumber() || !b.isNumber() || a.doubleValue() == 0) return "-";
        return Fmt.fixed(b.doubleValue() / a.doubleValue(), 3) + "x";
    }

    static String verdict(Metric m, JsonNode a, JsonNode b) {
        if (!a.isNumber() || !b.isNumber()) return "";
        double x = a.doubleValue(), y = b.doubleValue();
        if (x == y || (Math.abs(y - x) <= 0.01 * Math.max(Math.abs(x), Math.abs(y)))) return "";
        return (y > x) == m.higherIsBetter() ? "  B better" : "  B worse";
    }
}
