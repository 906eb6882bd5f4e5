package hearth.server.backend;

import java.time.Duration;

/**
 * Delay before the n-th restart in a row: {@code initial × 2^(n-1)}, at most {@code max}. A run that stayed up
 * longer than {@code stable} resets the count.
 */
public record Backoff(Duration initial, Duration max, Duration stable) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

    public Duration delay(int attempt) {
        if (attempt <= 1) return initial;
        long ms = initial.toMillis();
        for (int i = 1; i < attempt && ms < max.toMillis(); i++) ms *= 2;
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
