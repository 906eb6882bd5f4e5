package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.bench.dataset.DatasetSpec;
import hearth.bench.dataset.LengthRange;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Failures are counted by kind, described plainly, and a run against a dead server or with a bad key ends promptly. */
class ErrorAccountingTest {
    @Test
    void every429IsCountedAsRateLimitedAndTheRestSucceed() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().rateLimitEvery(3))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(16, 4), Harness.prompts(12), new LoadShape.Closed(2));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.errors()).containsOnlyKeys("rate_limited").containsEntry("rate_limited", 4);
            assertThat(s.completed()).isEqualTo(8);
            assertThat(s.errorExamples().get("rate_limited")).contains("429").contains("Too many requests");
            assertThat(s.stoppedEarly()).isNull();
        }
    }

    @Test
    void aBadApiKeyFailsEveryRequestAsUnauthorized() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().key("right"));
             StreamClient client = Harness.client(fake.url(), Endpoint.CHAT, "wrong", true)) {
            RunData run = Harness.run(client, Harness.random(16, 4), Harness.prompts(5), new LoadShape.Closed(1));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.completed()).isZero();
            assertThat(s.errors()).containsExactlyEntriesOf(java.util.Map.of("auth", 5));
            assertThat(s.errorExamples().get("auth")).contains("HTTP 401").contains("Incorrect API key");
        }
    }

    @Test
    void theRightApiKeyIsSentAsABearerToken() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().key("right"));
             StreamClient client = Harness.client(fake.url(), Endpoint.CHAT, "right", true)) {
            RunData run = Harness.run(client, Harness.random(16, 4), Harness.prompts(3), new LoadShape.Closed(1));
            assertThat(Summary.of(run, Slo.NONE, null).completed()).isEqualTo(3);
        }
    }

    @Test
    void aBadApiKeyStopsTheWholeBenchBeforeItStarts() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().key("right"))) {
            var spec = Harness.spec(fake.url(), Endpoint.COMPLETIONS, DatasetSpec.random(LengthRange.fixed(8), LengthRange.fixed(4)),
                    new LoadShape.Closed(1), Harness.prompts(5));
            assertThatThrownBy(() -> ServeBench.run(spec, Progress.NONE, Harness.SILENT, p -> { }))
                    .isInstanceOf(BenchException.class).hasMessageContaining("401").hasMessageContaining("--api-key");
        }
    }

    @Test
    void anUnreachableUrlIsReportedAsCannotConnect() throws Exception {
        var spec = Harness.spec(Harness.deadUrl(), Endpoint.COMPLETIONS, DatasetSpec.random(LengthRange.fixed(8), LengthRange.fixed(4)),
                new LoadShape.Closed(1), Harness.prompts(5));
        assertThatThrownBy(() -> ServeBench.run(spec, Progress.NONE, Harness.SILENT, p -> { }))
                .isInstanceOf(BenchException.class).hasMessageContaining("cannot reach").hasMessageContaining("cannot connect");
    }

    @Test
    void requestsToAnUnreachableServerStopTheRunEarlyWithTheReason() throws Exception {
        long t0 = System.nanoTime();
        RunData run = Harness.run(Harness.deadUrl(), Endpoint.COMPLETIONS, Harness.random(8, 4), Harness.prompts(10_000), new LoadShape.Closed(2));
        Summary s = Summary.of(run, Slo.NONE, null);
        assertThat(s.errors()).containsOnlyKeys("connect");
        assertThat(s.failed()).isBetween(10, 40);
        assertThat(s.stoppedEarly()).contains("cannot connect");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
    }

    @Test
    void aServerKilledMidRunShowsCutStreamsThenConnectFailures() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(10, 50))) { // 20 tokens: ~0.4 s
            fake.killAfter(9, 150); // the 9th request starts after two rounds of 4 have completed
            long t0 = System.nanoTime();
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 20), Harness.prompts(200), new LoadShape.Closed(4));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.completed()).isBetween(4, 8);
            assertThat(s.errors()).containsKey("incomplete").containsKey("connect");
            assertThat(s.errorExamples().get("incomplete")).contains("connection lost");
            assertThat(s.stoppedEarly()).contains("cannot connect");
            assertThat(s.completed() + s.failed()).isLessThan(60);
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
        }
    }

    @Test
    void anErrorEventInsideTheStreamIsCountedAsAStreamError() {
        ChunkReader r = new ChunkReader();
        r.dispatch("{\"choices\":[{\"text\":\"a\"}]}", 1);
        r.dispatch("{\"error\":{\"message\":\"out of KV cache\",\"type\":\"server_error\"}}", 2);
        assertThat(r.error().kind()).isEqualTo(ErrorKind.STREAM_ERROR);
        assertThat(r.error().message()).isEqualTo("out of KV cache");
    }

    @Test
    void requestTimeoutsAreCountedAndDoNotHoldTheRun() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(5_000, 100))) {
            var cfg = new BenchConfig(4, null, Duration.ZERO, Duration.ofMillis(300), 0, Slo.NONE, Duration.ZERO);
            long t0 = System.nanoTime();
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 4), cfg, new LoadShape.Closed(4));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.errors()).containsExactlyEntriesOf(java.util.Map.of("timeout", 4));
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(3);
        }
    }
}
