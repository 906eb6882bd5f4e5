package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A run never outlasts its bounds: the request count, or the duration plus the drain time. */
class RunBoundsTest {
    @Test
    void exactlyNumPromptsRequestsAreSent() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 1000))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 3), Harness.prompts(23), new LoadShape.Closed(5));
            assertThat(run.results()).hasSize(23);
            assertThat(fake.generations()).isEqualTo(23);
        }
    }

    @Test
    void aDurationBoundRunCancelsSlowRequestsAfterTheDrainTime() throws Exception {
        // each request would take ~10 s; the run may last 0.6 s + 0.4 s of drain
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(0, 10))) {
            var cfg = new BenchConfig(0, Duration.ofMillis(600), Duration.ofMillis(400), Duration.ofSeconds(60), 0, Slo.NONE, Duration.ZERO);
            long t0 = System.nanoTime();
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 100), cfg, new LoadShape.Closed(3));
            double took = (System.nanoTime() - t0) / 1e9;
            assertThat(took).isBetween(0.9, 2.5);
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.cancelled()).isEqualTo(3);
            assertThat(s.completed()).isZero();
            assertThat(s.failed()).isZero();
        }
    }

    @Test
    void aDurationBoundRunLetsShortRequestsFinishAndStartsNoneAfterTheDeadline() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(5, 500))) {
            var cfg = new BenchConfig(0, Duration.ofMillis(700), Duration.ofSeconds(5), Duration.ofSeconds(60), 0, Slo.NONE, Duration.ZERO);
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 10), cfg, new LoadShape.Closed(2));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.cancelled()).isZero();
            assertThat(s.completed()).isGreaterThan(4);
            long lastStart = run.results().stream().mapToLong(RequestResult::startNanos).max().orElseThrow();
            // a request is dispatched before the deadline; its start stamp is taken on the sending thread a moment
            // later, which on a loaded machine can be a few ms past it. A request dispatched after the deadline would
            // start at least one request time (~0.5 s) late.
            assertThat((lastStart - run.startNanos()) / 1e9).isLessThan(0.75);
            assertThat(run.durationSeconds()).isLessThan(1.5);
        }
    }

    @Test
    void anOpenLoopRunAtAFixedRateTakesAboutCountOverRate() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(5, 1000))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 3), Harness.prompts(30),
                    new LoadShape.Poisson(40, 1, 0));
            assertThat(run.results()).hasSize(30);
            // 29 gaps of mean 25 ms: 0.725 s expected; Poisson spread over 29 gaps is about +-19%
            assertThat(run.durationSeconds()).isBetween(0.3, 1.6);
        }
    }

    @Test
    void maxConcurrencyCapsAnOpenLoop() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(50, 200))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 5), Harness.prompts(10),
                    new LoadShape.Poisson(Double.POSITIVE_INFINITY, 1, 2));
            assertThat(run.results()).hasSize(10);
            assertThat(run.maxInFlight()).isEqualTo(2);
        }
    }
}
