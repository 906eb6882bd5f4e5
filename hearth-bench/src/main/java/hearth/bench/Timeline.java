package hearth.bench;

import java.util.ArrayList;
import java.util.List;

/** Buckets a run over time for the throughput plot and the peak output rate. */
final class Timeline {
    private Timeline() {}

    /** 1 s buckets (vLLM's peak-throughput window) for runs of 10 s or more, a tenth of the run for shorter ones. */
    static double bucketSeconds(double durationS) {
        return durationS >= 10 ? 1.0 : Math.max(durationS / 10, 0.01);
    }

    static List<Summary.TimelinePoint> of(RunData run, double bucketS) {
        int n = Math.max(1, (int) Math.ceil(run.durationSeconds() / bucketS));
        double[] tokens = new double[n];
        int[] completed = new int[n], errors = new int[n];
        for (RequestResult r : run.results()) {
            if (r.cancelled()) continue;
            long[] c = r.chunkNanos();
            if (c.length == 0) {
                if (r.ok()) tokens[slot(r.endNanos(), run, bucketS, n)] += r.outputTokens();
            } else {
                // a chunk may hold several tokens: spread the request's token count over its chunks
                double per = r.ok() && r.outputTokens() > 0 ? (double) r.outputTokens() / c.length : 1;
                for (long t : c) tokens[slot(t, run, bucketS, n)] += per;
            }
            if (r.ok()) completed[slot(r.endNanos(), run, bucketS, n)]++;
            else errors[slot(r.endNanos(), run, bucketS, n)]++;
        }
        long[] starts = run.results().stream().mapToLong(RequestResult::startNanos).sorted().toArray();
        long[] ends = run.results().stream().mapToLong(RequestResult::endNanos).sorted().toArray();
        List<Summary.TimelinePoint> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long mid = run.startNanos() + (long) ((i + 0.5) * bucketS * 1e9);
            int inFlight = atOrBefore(starts, mid) - atOrBefore(ends, mid); // started and not yet ended
            out.add(new Summary.TimelinePoint(i * bucketS, tokens[i] / bucketS, completed[i], errors[i], inFlight));
        }
        return out;
    }

    /** How many of the sorted values are <= x. */
    private static int atOrBefore(long[] sorted, long x) {
        int i = java.util.Arrays.binarySearch(sorted, x);
        if (i < 0) return -i - 1;
        while (i + 1 < sorted.length && sorted[i + 1] == x) i++;
        return i + 1;
    }

    private static int slot(long nanos, RunData run, double bucketS, int n) {
        int i = (int) ((nanos - run.startNanos()) / 1e9 / bucketS);
        return Math.clamp(i, 0, n - 1);
    }
}
