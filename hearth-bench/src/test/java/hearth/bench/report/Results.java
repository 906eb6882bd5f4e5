package hearth.bench.report;

import hearth.bench.ErrorKind;
import hearth.bench.LoadShape;
import hearth.bench.PrefixCacheStats;
import hearth.bench.RequestError;
import hearth.bench.RequestResult;
import hearth.bench.RunData;
import hearth.bench.ServeBench;
import hearth.bench.Slo;
import hearth.bench.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Made-up results with known figures, for the output formats. */
final class Results {
    static final long MS = 1_000_000;

    private Results() {}

    /**
     * A point at {@code concurrency}: {@code n} successful requests each with TTFT {@code ttftMs} and 10 tokens
     * {@code tpotMs} apart, started every 100 ms, plus one 429.
     */
    static ServeBench.Point point(int concurrency, int n, double ttftMs, double tpotMs, boolean coordinate) {
        List<RequestResult> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = i * 100 * MS;
            long[] chunks = new long[10];
            for (int k = 0; k < 10; k++) chunks[k] = start + (long) ((ttftMs + k * tpotMs) * MS);
            rs.add(new RequestResult(i, 0, start, chunks[9], chunks, 10, true, 50, true, 10, "length", false, null));
        }
        rs.add(new RequestResult(n, 0, 0, 5 * MS, new long[0], 0, false, 50, false, 10, null, false,
                new RequestError(ErrorKind.RATE_LIMITED, 429, "slow down")));
        long end = rs.stream().mapToLong(RequestResult::endNanos).max().orElseThrow();
        RunData data = new RunData(new LoadShape.Closed(concurrency), rs, 0, end, concurrency, null);
        Summary s = Summary.of(data, Slo.parse(List.of("ttft_ms=1000")), new PrefixCacheStats("hearth_", 3, 4, 0.75));
        Map<String, Object> coord = coordinate ? Map.of("concurrency", (double) concurrency) : Map.of();
        return new ServeBench.Point(coord, data, s);
    }

    static ServeBench.Result result(String model, ServeBench.Point... points) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model", model);
        p.put("url", "http://127.0.0.1:8080");
        p.put("endpoint", "/v1/completions");
        p.put("dataset_description", "random prompt 50 output 10");
        p.put("started_at", "2026-11-29T00:00:00Z");
        p.put("temperature", null);
        return new ServeBench.Result(p, List.of(points));
    }
}
