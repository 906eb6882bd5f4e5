package hearth.bench;

import java.util.Arrays;

/**
 * Summary of one latency metric in milliseconds: mean, standard deviation (population), median, p90, p99, min and
 * max. Percentiles interpolate linearly between order statistics, as numpy's default (which vLLM uses) does.
 * All figures are NaN when there are no samples.
 */
public record LatencyStats(int count, double mean, double std, double median, double p90, double p99, double min, double max) {
    public static final LatencyStats EMPTY = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public static LatencyStats of(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return EMPTY;
        double sum = 0;
        for (double x : v) sum += x;
        double mean = sum / v.length;
        double sq = 0;
        for (double x : v) sq += (x - mean) * (x - mean);
        return new LatencyStats(v.length, mean, Math.sqrt(sq / v.length), percentile(v, 50), percentile(v, 90),
                percentile(v, 99), v[0], v[v.length - 1]);
    }

    /** The p-th percentile (0..100) of sorted values, numpy's "linear" method. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        double pos = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
