package hearth.bench;

import java.util.List;

/**
 * The raw outcome of one load point: every request (successes, errors and cancelled ones), the wall-clock span
 * from the first send to the end of the last request ({@link System#nanoTime()} values), the most requests seen
 * in flight at once, and why the run stopped before its bounds (null when it did not).
 */
public record RunData(LoadShape shape, List<RequestResult> results, long startNanos, long endNanos, int maxInFlight,
                      String stoppedEarly) {
    public RunData {
        results = List.copyOf(results);
    }

    public double durationSeconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
