package hearth.gateway.health;

import java.util.function.LongSupplier;

/**
 * The health of one upstream, fed by active probes and by what real requests saw (passive evidence).
 * Reads on the request path ({@link #eligible}) take no lock; updates are synchronized and say whether the
 * status changed so the caller can wake waiting requests.
 */
public final class HealthState {
    /** UNAVAILABLE: the upstream answered 503 (loading a model or draining) and gets no new traffic. */
    public enum Status { UP, DOWN, UNAVAILABLE }

    /** What failed on a request or probe; a refused connection means nobody is listening. */
    public enum Failure { CONNECT, TIMEOUT, STATUS_5XX, RESET }

    private final HealthPolicy policy;
    private final LongSupplier nanoClock;
    private volatile Status status = Status.UP;
    private volatile long cooldownUntil;
    private volatile boolean cooling;
    private volatile String lastError;
    private int failures;
    private int successes;

    public HealthState(HealthPolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
    }

    /** May get new requests now. */
    public boolean eligible() {
        boolean cooled = !cooling || nanoClock.getAsLong() - cooldownUntil >= 0;
        if (status == Status.UP) return cooled;
        // without probes nothing else could bring it back: after the cooldown it gets a trial request
        return !policy.activeChecks() && cooled;
    }

    /** Nanos until the cooldown ends (0 when not cooling), for waiters that want to know when to look again. */
    public long cooldownRemainingNanos() {
        if (!cooling) return 0;
        return Math.max(0, cooldownUntil - nanoClock.getAsLong());
    }

    public Status status() {
        return status;
    }

    public String lastError() {
        return lastError;
    }

    public synchronized int consecutiveFailures() {
        return failures;
    }

    /** An active probe answered 2xx. */
    public synchronized boolean probeSucceeded() {
        failures = 0;
        successes++;
        if (status != Status.UP && successes >= policy.rise()) {
            cooling = false;
            return set(Status.UP);
        }
        return false;
    }

    /** A probe or request got 503: loading or draining. */
    public synchronized boolean unavailable(String why) {
        lastError = why;
        successes = 0;
        if (!policy.activeChecks()) startCooldown(policy.cooldown().toNanos());
        return set(Status.UNAVAILABLE);
    }

    /** A probe failed (refused, timed out, or an unexpected status). */
    public synchronized boolean probeFailed(Failure kind, String why) {
        return fail(kind, why);
    }

    /** A real request failed before or while streaming from this upstream. */
    public synchronized boolean requestFailed(Failure kind, String why) {
        return fail(kind, why);
    }

    /** A real request completed normally. */
    public synchronized boolean requestSucceeded() {
        failures = 0;
        if (!policy.activeChecks() && status != Status.UP) {
            cooling = false;
            return set(Status.UP);
        }
        return false;
    }

    private boolean fail(Failure kind, String why) {
        lastError = why;
        successes = 0;
        failures++;
        if (kind == Failure.CONNECT || failures >= policy.fall()) {
            startCooldown(policy.cooldownNanos(Math.max(failures, policy.fall())));
            return set(Status.DOWN);
        }
        return false;
    }

    private void startCooldown(long nanos) {
        cooldownUntil = nanoClock.getAsLong() + nanos;
        cooling = true;
    }

    private boolean set(Status s) {
        boolean changed = status != s;
        status = s;
        return changed;
    }
}
