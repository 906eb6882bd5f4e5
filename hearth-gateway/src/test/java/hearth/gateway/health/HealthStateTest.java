package hearth.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.health.HealthState.Failure;
import hearth.gateway.health.HealthState.Status;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failures mark down after {@code fall}, probes bring back after {@code rise}, 503 stops traffic, cooldowns grow. */
class HealthStateTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    private HealthState state(boolean active) {
        return new HealthState(new HealthPolicy(3, 2, Duration.ofSeconds(1), Duration.ofSeconds(4), active), now::get);
    }

    private void advance(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void nFailuresMarkDownAndMSuccessfulProbesMarkUp() {
        HealthState h = state(true);
        h.probeFailed(Failure.TIMEOUT, "t");
        h.probeFailed(Failure.STATUS_5XX, "s");
        assertThat(h.eligible()).isTrue();
        assertThat(h.probeFailed(Failure.TIMEOUT, "t")).isTrue();
        assertThat(h.status()).isEqualTo(Status.DOWN);
        assertThat(h.eligible()).isFalse();
        advance(10_000);
        assertThat(h.eligible()).as("with probes, time alone does not bring it back").isFalse();
        assertThat(h.probeSucceeded()).isFalse();
        assertThat(h.probeSucceeded()).isTrue();
        assertThat(h.eligible()).isTrue();
    }

    @Test
    void aRefusedConnectionMarksDownAtOnce() {
        HealthState h = state(true);
        assertThat(h.requestFailed(Failure.CONNECT, "refused")).isTrue();
        assertThat(h.eligible()).isFalse();
        assertThat(h.lastError()).isEqualTo("refused");
    }

    @Test
    void a503StopsNewTrafficUntilProbesAreGoodAgain() {
        HealthState h = state(true);
        assertThat(h.unavailable("loading")).isTrue();
        assertThat(h.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(h.eligible()).isFalse();
        h.probeSucceeded();
        assertThat(h.eligible()).isFalse();
        h.probeSucceeded();
        assertThat(h.eligible()).isTrue();
    }

    @Test
    void withoutProbesADownUpstreamGetsATrialRequestAfterItsCooldownWhichDoublesUpToTheMaximum() {
        HealthState h = state(false);
        h.requestFailed(Failure.CONNECT, "refused");
        assertThat(h.cooldownRemainingNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        advance(999);
        assertThat(h.eligible()).isFalse();
        advance(1);
        assertThat(h.eligible()).isTrue();
        h.requestFailed(Failure.RESET, "again"); // 2nd failure
        h.requestFailed(Failure.RESET, "again"); // 3rd
        h.requestFailed(Failure.RESET, "again"); // 4th: one past fall -> doubled
        assertThat(h.cooldownRemainingNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
        for (int i = 0; i < 10; i++) h.requestFailed(Failure.RESET, "again");
        assertThat(h.cooldownRemainingNanos()).isEqualTo(Duration.ofSeconds(4).toNanos());
        advance(4000);
        assertThat(h.requestSucceeded()).isTrue();
        assertThat(h.status()).isEqualTo(Status.UP);
        assertThat(h.eligible()).isTrue();
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        HealthState h = state(true);
        h.requestFailed(Failure.STATUS_5XX, "a");
        h.requestFailed(Failure.STATUS_5XX, "b");
        h.requestSucceeded();
        h.requestFailed(Failure.STATUS_5XX, "c");
        h.requestFailed(Failure.STATUS_5XX, "d");
        assertThat(h.eligible()).isTrue();
        assertThat(h.consecutiveFailures()).isEqualTo(2);
    }
}
