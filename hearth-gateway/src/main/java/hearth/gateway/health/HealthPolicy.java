package hearth.gateway.health;

import java.time.Duration;

/**
 * How health evidence turns into eligibility. {@code fall} consecutive failures (or one refused connection) mark an
 * upstream down; with active checks it comes back after {@code rise} consecutive good probes, without them once
 * its cooldown has passed. The cooldown doubles with each further failure, from {@code cooldown} up to
 * {@code cooldownMax}.
 */
public record HealthPolicy(int fall, int rise, Duration cooldown, Duration cooldownMax, boolean activeChecks) {
    public HealthPolicy {
        if (fall < 1 || rise < 1) throw new IllegalArgumentException("fall and rise must be >= 1");
    }

    long cooldownNanos(int failures) {
        long base = cooldown.toNanos();
        int doublings = Math.min(Math.max(failures - fall, 0), 20);
        long scaled = base << doublings;
        return scaled < 0 ? cooldownMax.toNanos() : Math.min(scaled, cooldownMax.toNanos());
    }
}
