package hearth.bench.report;

import hearth.bench.Fmt;
import hearth.bench.LatencyStats;
import hearth.bench.RequestResult;
import hearth.bench.ServeBench;
import hearth.bench.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --report DIR}: {@code index.html} with the parameters, a figure table per load point and PNG plots: CDFs
 * of TTFT, TPOT, ITL and E2E (one line per point), output throughput and requests in flight over time, and for a
 * sweep TTFT, TPOT/ITL and throughput against the swept parameter.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** Writes the page and its images into {@code dir} (created if needed); returns the page's path. */
    public static Path write(ServeBench.Result result, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<ServeBench.Point> points = result.points();
        Map<String, double[]> ttft = new LinkedHashMap<>(), tpot = new LinkedHashMap<>(), itl = new LinkedHashMap<>(), e2e = new LinkedHashMap<>();
        Map<String, double[][]> tput = new LinkedHashMap<>(), inflight = new LinkedHashMap<>();
        for (ServeBench.Point p : points) {
            String name = p.summary().load();
            List<RequestResult> ok = p.data().results().stream().filter(RequestResult::ok).toList();
            ttft.put(name, ok.stream().mapToDouble(r -> r.ttftNanos() < 0 ? Double.NaN : r.ttftNanos() / 1e6).toArray());
            tpot.put(name, ok.stream().mapToDouble(r -> r.tpotNanos() / 1e6).toArray());
            e2e.put(name, ok.stream().mapToDouble(r -> r.e2eNanos() / 1e6).toArray());
            itl.put(name, ok.stream().flatMapToDouble(r -> {
                long[] c = r.chunkNanos();
                double[] gaps = new double[Math.max(0, c.length - 1)];
                for (int k = 1; k < c.length; k++) gaps[k - 1] = (c[k] - c[k - 1]) / 1e6;
                return java.util.Arrays.stream(gaps);
            }).toArray());
            tput.put(name, p.summary().timeline().stream().map(t -> new double[] {t.t(), t.outputTokensPerS()}).toArray(double[][]::new));
            inflight.put(name, p.summary().timeline().stream().map(t -> new double[] {t.t(), t.inFlight()}).toArray(double[][]::new));
        }
        List<String[]> images = new ArrayList<>();
        chart(images, "ttft_cdf.png", "Time to first token", () -> Charts.cdf(dir.resolve("ttft_cdf.png"), "TTFT (CDF)", "TTFT (ms)", ttft));
        chart(images, "tpot_cdf.png", "Time per output token", () -> Charts.cdf(dir.resolve("tpot_cdf.png"), "TPOT (CDF)", "TPOT (ms)", tpot));
        chart(images, "itl_cdf.png", "Inter-token latency", () -> Charts.cdf(dir.resolve("itl_cdf.png"), "ITL (CDF)", "ITL (ms)", itl));
        chart(images, "e2e_cdf.png", "End-to-end latency", () -> Charts.cdf(dir.resolve("e2e_cdf.png"), "E2E latency (CDF)", "E2E (ms)", e2e));
        chart(images, "throughput.png", "Output throughput over time", () -> Charts.lines(dir.resolve("throughput.png"),
                "Output tokens/s over time", "time since start of the point (s)", "output tokens/s", tput));
        chart(images, "inflight.png", "Requests in flight over time", () -> Charts.lines(dir.resolve("inflight.png"),
                "Requests in flight", "time since start of the point (s)", "requests", inflight));
        if (points.size() > 1 && !points.getFirst().coordinate().isEmpty()) {
            String param = points.getFirst().coordinate().keySet().iterator().next();
            Map<String, double[][]> ttftSweep = new LinkedHashMap<>();
            ttftSweep.put("TTFT mean", sweepSeries(points, param, s -> s.ttftMs().mean()));
            ttftSweep.put("TTFT median", sweepSeries(points, param, s -> s.ttftMs().median()));
            ttftSweep.put("TTFT p99", sweepSeries(points, param, s -> s.ttftMs().p99()));
            Map<String, double[][]> tpotSweep = new LinkedHashMap<>();
            tpotSweep.put("TPOT mean", sweepSeries(points, param, s -> s.tpotMs().mean()));
            tpotSweep.put("TPOT p99", sweepSeries(points, param, s -> s.tpotMs().p99()));
            tpotSweep.put("ITL p99", sweepSeries(points, param, s -> s.itlMs().p99()));
            Map<String, double[][]> thr = new LinkedHashMap<>();
            thr.put("output tokens/s", sweepSeries(points, param, Summary::outputThroughput));
            thr.put("total tokens/s", sweepSeries(points, param, Summary::totalThroughput));
            chart(images, "sweep_ttft.png", "TTFT against " + param, () -> Charts.lines(dir.resolve("sweep_ttft.png"),
                    "TTFT against " + param, param, "ms", ttftSweep));
            chart(images, "sweep_tpot.png", "TPOT and ITL against " + param, () -> Charts.lines(dir.resolve("sweep_tpot.png"),
                    "TPOT and ITL against " + param, param, "ms", tpotSweep));
            chart(images, "sweep_throughput.png", "Throughput against " + param, () -> Charts.lines(dir.resolve("sweep_throughput.png"),
                    "Throughput against " + param, param, "tokens/s", thr));
        }
        Path page = dir.resolve("index.html");
        Files.writeString(page, page(result, images), StandardCharsets.UTF_8);
        return page;
    }

    private interface Draw {
        void run() throws IOException;
    }

    private static void chart(List<String[]> images, String file, String caption, Draw draw) throws IOException {
        draw.run();
        images.add(new String[] {file, caption});
    }

    private static double[][] sweepSeries(List<ServeBench.Point> points, String param, java.util.function.ToDoubleFunction<Summary> f) {
        return points.stream().map(p -> new double[] {((Number) p.coordinate().get(param)).doubleValue(), f.applyAsDouble(p.summary())})
                .toArray(double[][]::new);
    }

    private static String page(ServeBench.Result result, List<String[]> images) {
        StringBuilder h = new StringBuilder();
        Map<String, Object> params = result.parameters();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hearth bench serve: ")
                .append(esc(String.valueOf(params.get("model")))).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1600px}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}.imgs{display:flex;flex-wrap:wrap;gap:12px}")
                .append("figure{margin:0}figcaption{font-size:13px;color:#555}.err{color:#b00}</style></head><body>\n");
        h.append("<h1>hearth bench serve</h1>\n<p>").append(esc(params.get("model") + " at " + params.get("url") + params.get("endpoint")))
                .append(" &middot; ").append(esc(String.valueOf(params.get("dataset_description"))))
                .append(" &middot; started ").append(esc(String.valueOf(params.get("started_at")))).append("</p>\n");
        h.append("<h2>Results</h2>\n<table><tr><th class=l>load</th><th>ok</th><th>failed</th><th>duration s</th><th>req/s</th>")
                .append("<th>out tok/s</th><th>total tok/s</th><th>goodput req/s</th><th>prefix hit</th>")
                .append("<th>TTFT mean / p99 ms</th><th>TPOT mean / p99 ms</th><th>ITL mean / p99 ms</th><th>E2E mean / p99 ms</th></tr>\n");
        for (ServeBench.Point p : result.points()) {
            Summary s = p.summary();
            h.append("<tr><td class=l>").append(esc(s.load())).append("</td><td>").append(s.completed()).append("</td><td")
                    .append(s.failed() > 0 ? " class=err" : "").append('>').append(s.failed()).append("</td><td>")
                    .append(Fmt.fixed(s.durationS(), 2)).append("</td><td>").append(Fmt.fixed(s.requestThroughput(), 2)).append("</td><td>")
                    .append(Fmt.fixed(s.outputThroughput(), 1)).append("</td><td>").append(Fmt.fixed(s.totalThroughput(), 1)).append("</td><td>")
                    .append(s.goodput() == null ? "-" : Fmt.fixed(s.goodput(), 2)).append("</td><td>")
                    .append(s.prefixCache() == null || s.prefixCache().hitRate() == null ? "-" : Fmt.fixed(100 * s.prefixCache().hitRate(), 1) + " %")
                    .append("</td>").append(pair(s.ttftMs())).append(pair(s.tpotMs())).append(pair(s.itlMs())).append(pair(s.e2eMs()))
                    .append("</tr>\n");
        }
        h.append("</table>\n");
        for (ServeBench.Point p : result.points()) {
            Summary s = p.summary();
            if (s.errors().isEmpty() && s.stoppedEarly() == null) continue;
            h.append("<p class=err>").append(esc(s.load())).append(": ");
            s.errors().forEach((k, n) -> h.append(esc(k)).append(" &times; ").append(n).append(" (e.g. ")
                    .append(esc(s.errorExamples().get(k))).append(") "));
            if (s.stoppedEarly() != null) h.append("stopped early: ").append(esc(s.stoppedEarly()));
            h.append("</p>\n");
        }
        h.append("<h2>Plots</h2>\n<div class=imgs>\n");
        for (String[] img : images) {
            h.append("<figure><img src=\"").append(img[0]).append("\" width=").append(Charts.WIDTH).append(" height=").append(Charts.HEIGHT)
                    .append(" alt=\"").append(esc(img[1])).append("\"><figcaption>").append(esc(img[1])).append("</figcaption></figure>\n");
        }
        h.append("</div>\n<h2>Parameters</h2>\n<table>\n");
        params.forEach((k, v) -> h.append("<tr><th class=l>").append(esc(k)).append("</th><td class=l>").append(esc(String.valueOf(v))).append("</td></tr>\n"));
        h.append("</table>\n<p style=\"font-size:12px;color:#777\">TPOT = (E2E &minus; TTFT) / (output tokens &minus; 1); ITL = every gap between ")
                .append("streamed text chunks; output tokens from the server's usage; percentiles interpolate linearly (vLLM bench serve definitions).</p>\n");
        return h.append("</body></html>\n").toString();
    }

    private static String pair(LatencyStats l) {
        return "<td>" + Fmt.fixed(l.mean(), 1) + " / " + Fmt.fixed(l.p99(), 1) + "</td>";
    }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
