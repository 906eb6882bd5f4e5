package hearth.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one load point, with vLLM {@code bench serve}'s definitions: throughputs are over the wall-clock
 * span of the run and count successful requests only; TTFT, TPOT = (E2E - TTFT) / (output tokens - 1), ITL (every
 * gap between text-bearing chunks of every successful request) and E2E latency are in milliseconds; output tokens
 * are the server's {@code usage.completion_tokens} (chunks counted when it sends none); goodput counts successful
 * requests meeting every SLO.
 */
public record Summary(
        String load, double durationS, int completed, int failed, int cancelled,
        Map<String, Integer> errors, Map<String, String> errorExamples,
        long inputTokens, long outputTokens,
        double requestThroughput, double outputThroughput, double totalThroughput,
        Integer goodRequests, Double goodput,
        double peakOutputThroughput, double timelineBucketS, int maxConcurrency,
        LatencyStats ttftMs, LatencyStats tpotMs, LatencyStats itlMs, LatencyStats e2eMs,
        long requestedOutputTokens, int shortRequests, int outputCountedFromUsage, int promptCountedFromUsage,
        PrefixCacheStats prefixCache, String stoppedEarly, List<TimelinePoint> timeline) {

    /** One bucket of the run: output tokens/s, requests finished and failed in it, requests in flight at its middle. */
    public record TimelinePoint(double t, double outputTokensPerS, int completed, int errors, int inFlight) {}

    public static Summary of(RunData run, Slo slo, PrefixCacheStats prefixCache) {
        double dur = Math.max(run.durationSeconds(), 1e-9);
        List<RequestResult> ok = new ArrayList<>();
        Map<ErrorKind, Integer> byKind = new EnumMap<>(ErrorKind.class);
        Map<ErrorKind, String> example = new EnumMap<>(ErrorKind.class);
        int cancelled = 0;
        for (RequestResult r : run.results()) {
            if (r.cancelled()) cancelled++;
            else if (r.error() != null) {
                byKind.merge(r.error().kind(), 1, Integer::sum);
                example.putIfAbsent(r.error().kind(), r.error().toString());
            } else ok.add(r);
        }
        long in = 0, out = 0, requested = 0;
        int shortCount = 0, usageOut = 0, usageIn = 0, good = 0;
        List<Double> itl = new ArrayList<>();
        double[] ttft = new double[ok.size()], tpot = new double[ok.size()], e2e = new double[ok.size()];
        for (int i = 0; i < ok.size(); i++) {
            RequestResult r = ok.get(i);
            in += r.promptTokens();
            out += r.outputTokens();
            requested += r.requestedTokens();
            if (r.outputTokens() < r.requestedTokens()) shortCount++;
            if (r.outputFromUsage()) usageOut++;
            if (r.promptFromUsage()) usageIn++;
            if (slo.any() && slo.met(r)) good++;
            ttft[i] = r.ttftNanos() < 0 ? Double.NaN : r.ttftNanos() / 1e6;
            tpot[i] = r.tpotNanos() / 1e6;
            e2e[i] = r.e2eNanos() / 1e6;
            long[] c = r.chunkNanos();
            for (int k = 1; k < c.length; k++) itl.add((c[k] - c[k - 1]) / 1e6);
        }
        Map<String, Integer> errors = new LinkedHashMap<>();
        Map<String, String> examples = new LinkedHashMap<>();
        byKind.forEach((k, n) -> errors.put(k.name().toLowerCase(java.util.Locale.ROOT), n));
        example.forEach((k, m) -> examples.put(k.name().toLowerCase(java.util.Locale.ROOT), m));
        double bucket = Timeline.bucketSeconds(dur);
        List<TimelinePoint> timeline = Timeline.of(run, bucket);
        double peak = Timeline.peakOutputPerSecond(run);
        int failed = errors.values().stream().mapToInt(Integer::intValue).sum();
        return new Summary(run.shape().describe(), dur, ok.size(), failed, cancelled, errors, examples, in, out,
                ok.size() / dur, out / dur, (in + out) / dur,
                slo.any() ? good : null, slo.any() ? good / dur : null,
                peak, bucket, run.maxInFlight(),
                LatencyStats.of(ttft), LatencyStats.of(tpot), LatencyStats.of(itl.stream().mapToDouble(Double::doubleValue).toArray()),
                LatencyStats.of(e2e), requested, shortCount, usageOut, usageIn, prefixCache, run.stoppedEarly(), timeline);
    }
}
