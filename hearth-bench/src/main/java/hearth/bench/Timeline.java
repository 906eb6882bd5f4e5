package hearth.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Buckets a run over time for the throughput plot and the peak output rate. */
final class Timeline {
    private static final double[] STEPS = {1, 2, 5};

    private Timeline() {}

    /** About 30 buckets per run, on the 1-2-5 series (0.1 s, 0.2 s, 0.5 s, 1 s, 2 s, ...), at least 50 ms. */
    static double bucketSeconds(double durationS) {
        double target = Math.max(durationS / 30, 0.05);
        double decade = Math.pow(10, Math.floor(Math.log10(target)));
        for (double s : STEPS) {
            if (s * decade >= target - 1e-12) return s * decade;
        }
        return 10 * decade;
    }

    /**
     * vLLM's peak output throughput: the most output tokens in any whole 1-second window from the start of the run.
     * A run shorter than a second has no whole window; its peak is its mean.
     */
    static double peakOutputPerSecond(RunData run) {
        int whole = (int) Math.floor(run.durationSeconds());
        if (whole < 1) return run.durationSeconds() > 0 ? okTokens(run) / run.durationSeconds() : 0;
        double[] tokens = tokensPerBucket(run, 1.0, whole + 1);
        double peak = 0;
        for (int i = 0; i < whole; i++) peak = Math.max(peak, tokens[i]);
        return peak;
    }

    static List<Summary.TimelinePoint> of(RunData run, double bucketS) {
        double dur = run.durationSeconds();
        int n = Math.max(1, (int) Math.ceil(dur / bucketS - 1e-9));
        double[] tokens = tokensPerBucket(run, bucketS, n);
        int[] completed = new int[n], errors = new int[n];
        for (RequestResult r : run.results()) {
            if (r.cancelled()) continue;
            if (r.ok()) completed[slot(r.endNanos(), run, bucketS, n)]++;
            else errors[slot(r.endNanos(), run, bucketS, n)]++;
        }
        long[] starts = run.results().stream().mapToLong(RequestResult::startNanos).sorted().toArray();
        long[] ends = run.results().stream().mapToLong(RequestResult::endNanos).sorted().toArray();
        List<Summary.TimelinePoint> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double width = Math.min(bucketS, dur - i * bucketS); // the last bucket may be partial
            if (width <= 0) width = bucketS;
            long mid = run.startNanos() + (long) ((i * bucketS + width / 2) * 1e9);
            int inFlight = atOrBefore(starts, mid) - atOrBefore(ends, mid); // started and not yet ended
            out.add(new Summary.TimelinePoint(i * bucketS, tokens[i] / width, completed[i], errors[i], inFlight));
        }
        return out;
    }

    /** Output tokens by arrival time: a chunk may hold several tokens, so a request's count is spread over its chunks. */
    private static double[] tokensPerBucket(RunData run, double bucketS, int n) {
        double[] tokens = new double[n];
        for (RequestResult r : run.results()) {
            if (r.cancelled()) continue;
            long[] c = r.chunkNanos();
            if (c.length == 0) {
                if (r.ok()) tokens[slot(r.endNanos(), run, bucketS, n)] += r.outputTokens();
            } else {
                double per = r.ok() && r.outputTokens() > 0 ? (double) r.outputTokens() / c.length : 1;
                for (long t : c) tokens[slot(t, run, bucketS, n)] += per;
            }
        }
        return tokens;
    }

    private static long okTokens(RunData run) {
        return run.results().stream().filter(RequestResult::ok).mapToLong(RequestResult::outputTokens).sum();
    }

    /** How many of the sorted values are <= x. */
    private static int atOrBefore(long[] sorted, long x) {
        int i = Arrays.binarySearch(sorted, x);
        if (i < 0) return -i - 1;
        while (i + 1 < sorted.length && sorted[i + 1] == x) i++;
        return i + 1;
    }

    private static int slot(long nanos, RunData run, double bucketS, int n) {
        int i = (int) ((nanos - run.startNanos()) / 1e9 / bucketS);
        return Math.clamp(i, 0, n - 1);
    }
}
