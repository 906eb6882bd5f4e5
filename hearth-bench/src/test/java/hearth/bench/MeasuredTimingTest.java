package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Against a server with a known TTFT and token rate, the measured TTFT, TPOT, ITL, E2E and throughputs come out
 * as the schedule says. Tolerances allow for a loaded 2-core machine: timers and scheduling only ever add delay,
 * so lower bounds are tight and upper bounds loose.
 */
class MeasuredTimingTest {
    static final int TTFT_MS = 60;
    static final double TPS = 100; // 10 ms per token
    static final int OUT = 20;
    static final double E2E_MS = TTFT_MS + (OUT - 1) * 1000 / TPS; // 250 ms

    @Test
    void completionsTimingMatchesTheServersSchedule() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(TTFT_MS, TPS))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(32, OUT), Harness.warm(12), new LoadShape.Closed(4));
            checkTiming(Summary.of(run, Slo.NONE, null));
        }
    }

    @Test
    void chatTimingStartsAtTheFirstTextNotTheRoleChunk() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(TTFT_MS, TPS))) {
            RunData run = Harness.run(fake.url(), Endpoint.CHAT, Harness.random(32, OUT), Harness.warm(8), new LoadShape.Closed(4));
            checkTiming(Summary.of(run, Slo.NONE, null));
        }
    }

    private static void checkTiming(Summary s) {
        assertThat(s.failed()).isZero();
        assertThat(s.outputTokens()).isEqualTo((long) s.completed() * OUT);
        assertThat(s.ttftMs().mean()).isBetween(TTFT_MS - 1.0, TTFT_MS * 1.5 + 15);
        assertThat(s.tpotMs().mean()).isCloseTo(1000 / TPS, within(2.0));
        assertThat(s.itlMs().median()).isCloseTo(1000 / TPS, within(3.0));
        assertThat(s.itlMs().count()).isEqualTo(s.completed() * (OUT - 1));
        assertThat(s.e2eMs().mean()).isBetween(E2E_MS - 1, E2E_MS * 1.25 + 15);
        // closed loop of 4: each client completes one request per E2E
        double expectedRps = 4 / (E2E_MS / 1000);
        assertThat(s.requestThroughput()).isCloseTo(expectedRps, Offset.offset(expectedRps * 0.3));
        assertThat(s.outputThroughput()).isCloseTo(s.requestThroughput() * OUT, within(1e-6 * s.outputThroughput() + 1e-9));
        assertThat(s.totalThroughput()).isGreaterThan(s.outputThroughput());
        assertThat(s.maxConcurrency()).isEqualTo(4);
    }
}
