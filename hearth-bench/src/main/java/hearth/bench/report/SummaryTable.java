package hearth.bench.report;

import hearth.bench.Fmt;
import hearth.bench.LatencyStats;
import hearth.bench.PrefixCacheStats;
import hearth.bench.ServeBench;
import hearth.bench.Summary;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plain-text result tables printed on stdout: one block per load point, and a sweep overview. */
public final class SummaryTable {
    private static final int LABEL = 34;

    private SummaryTable() {}

    /** The block for one load point. */
    public static String point(Summary s, Map<String, Object> coordinate) {
        StringBuilder sb = new StringBuilder();
        String title = " hearth bench serve: " + s.load() + " ";
        int pad = Math.max(0, 64 - title.length());
        sb.append("=".repeat(pad / 2)).append(title).append("=".repeat(pad - pad / 2)).append('\n');
        row(sb, "Successful requests", Integer.toString(s.completed()));
        row(sb, "Failed requests", Integer.toString(s.failed()));
        if (s.cancelled() > 0) row(sb, "Cancelled at end of run", Integer.toString(s.cancelled()));
        row(sb, "Benchmark duration (s)", Fmt.fixed(s.durationS(), 2));
        row(sb, "Total input tokens", Long.toString(s.inputTokens()));
        row(sb, "Total generated tokens", Long.toString(s.outputTokens()));
        if (s.completed() > 0) {
            row(sb, "  counted from usage", s.outputCountedFromUsage() + " of " + s.completed() + " requests"
                    + (s.outputCountedFromUsage() < s.completed() ? " (others: streamed chunks)" : ""));
            row(sb, "  shorter than asked", s.shortRequests() + " of " + s.completed() + " requests"
                    + (s.shortRequests() > 0 ? " (" + s.outputTokens() + " of " + s.requestedOutputTokens() + " tokens: server ignored ignore_eos?)" : ""));
        }
        row(sb, "Request throughput (req/s)", Fmt.fixed(s.requestThroughput(), 2));
        if (s.goodput() != null) row(sb, "Request goodput (req/s)", Fmt.fixed(s.goodput(), 2) + "  (" + s.goodRequests() + " within SLO)");
        row(sb, "Output token throughput (tok/s)", Fmt.fixed(s.outputThroughput(), 2));
        row(sb, "Peak output throughput (tok/s)", Fmt.fixed(s.peakOutputThroughput(), 2) + (s.durationS() < 1 ? "  (run < 1 s: mean)" : ""));
        row(sb, "Total token throughput (tok/s)", Fmt.fixed(s.totalThroughput(), 2));
        row(sb, "Max concurrent requests", Integer.toString(s.maxConcurrency()));
        row(sb, "Prefix cache hit rate", prefix(s.prefixCache()));
        sb.append(String.format(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s%n", "Latency (ms)", "mean", "median", "p90", "p99", "max"));
        latency(sb, "TTFT", s.ttftMs());
        latency(sb, "TPOT", s.tpotMs());
        latency(sb, "ITL", s.itlMs());
        latency(sb, "E2E", s.e2eMs());
        if (!s.errors().isEmpty()) {
            sb.append("Errors:\n");
            s.errors().forEach((kind, n) -> sb.append(String.format(Locale.ROOT, "  %-16s %6d   e.g. %s%n", kind, n, s.errorExamples().get(kind))));
        }
        if (s.stoppedEarly() != null) sb.append("Stopped early: ").append(s.stoppedEarly()).append('\n');
        sb.append("=".repeat(64)).append('\n');
        return sb.toString();
    }

    /** One line per point of a sweep. */
    public static String sweep(String parameter, List<ServeBench.Point> points) {
        StringBuilder sb = new StringBuilder();
        String head = "%-12s %6s %5s %8s %10s %9s %9s %9s %9s %9s %9s%n";
        sb.append(String.format(Locale.ROOT, head, parameter, "ok", "err", "req/s", "out tok/s", "TTFT mean", "TTFT p99",
                "TPOT mean", "TPOT p99", "ITL p99", "E2E mean"));
        for (ServeBench.Point p : points) {
            Summary s = p.summary();
            Object v = p.coordinate().get(parameter);
            sb.append(String.format(Locale.ROOT, head, v instanceof Double d ? Fmt.num(d) : String.valueOf(v), s.completed(), s.failed(),
                    Fmt.fixed(s.requestThroughput(), 2), Fmt.fixed(s.outputThroughput(), 1),
                    Fmt.fixed(s.ttftMs().mean(), 1), Fmt.fixed(s.ttftMs().p99(), 1), Fmt.fixed(s.tpotMs().mean(), 2),
                    Fmt.fixed(s.tpotMs().p99(), 2), Fmt.fixed(s.itlMs().p99(), 2), Fmt.fixed(s.e2eMs().mean(), 1)));
        }
        return sb.toString();
    }

    static String prefix(PrefixCacheStats p) {
        if (p == null) return "n/a (no prefix-cache counters in /metrics)";
        if (p.hitRate() == null) return "n/a (no lookups counted by " + p.family() + "*)";
        return String.format(Locale.ROOT, "%.1f %%  (%s of %s, %sprefix_cache_*)", 100 * p.hitRate(), Fmt.num(p.hits()), Fmt.num(p.queries()), p.family());
    }

    private static void row(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-" + LABEL + "s%s%n", label + ":", value));
    }

    private static void latency(StringBuilder sb, String name, LatencyStats l) {
        sb.append(String.format(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s%n", name, Fmt.fixed(l.mean(), 2), Fmt.fixed(l.median(), 2),
                Fmt.fixed(l.p90(), 2), Fmt.fixed(l.p99(), 2), Fmt.fixed(l.max(), 2)));
    }
}
