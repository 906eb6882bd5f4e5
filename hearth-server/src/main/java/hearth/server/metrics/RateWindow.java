package hearth.server.metrics;

/** Events per second over the last {@code seconds} whole seconds (the current, partial second excluded). */
final class RateWindow {
    private final int seconds;
    private final long[] counts;
    private final long[] stamps; // the epoch second each slot holds

    RateWindow(int seconds) {
        this.seconds = seconds;
        this.counts = new long[seconds + 1];
        this.stamps = new long[seconds + 1];
    }

    synchronized void add(long n, long nowNanos) {
        long sec = nowNanos / 1_000_000_000L;
        int i = (int) Math.floorMod(sec, (long) counts.length);
        if (stamps[i] != sec) {
            stamps[i] = sec;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    synchronized double perSecond(long nowNanos) {
        long sec = nowNanos / 1_000_000_000L;
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (stamps[i] < sec && stamps[i] >= sec - seconds) sum += counts[i];
        }
        return (double) sum / seconds;
    }
}
