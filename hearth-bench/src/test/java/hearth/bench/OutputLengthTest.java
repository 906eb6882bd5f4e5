package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The server is asked for exactly the output length, and the summary says when it produced something else. */
class OutputLengthTest {
    @Test
    void requestsAskForExactLengthAndUsage() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 1000))) {
            Harness.run(fake.url(), Endpoint.CHAT, Harness.random(8, 7), Harness.prompts(1), new LoadShape.Closed(1));
            var body = fake.bodies.getFirst();
            assertThat(body.path("max_tokens").asInt()).isEqualTo(7);
            assertThat(body.path("min_tokens").asInt()).isEqualTo(7);
            assertThat(body.path("ignore_eos").asBoolean()).isTrue();
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(body.path("model").asText()).isEqualTo("fake-model");
            assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        }
    }

    @Test
    void aServerThatStopsEarlyShowsAsShortRequests() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 1000).eosAfter(5, false))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 12), Harness.prompts(6), new LoadShape.Closed(2));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.shortRequests()).isEqualTo(6);
            assertThat(s.outputTokens()).isEqualTo(30);
            assertThat(s.requestedOutputTokens()).isEqualTo(72);
        }
    }

    @Test
    void aServerHonouringIgnoreEosProducesTheFullLength() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 1000).eosAfter(5, true))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 12), Harness.prompts(4), new LoadShape.Closed(2));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.shortRequests()).isZero();
            assertThat(s.outputTokens()).isEqualTo(48);
        }
    }

    @Test
    void withoutUsageTheOutputIsCountedInChunks() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 1000).chunks(1, false))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 9), Harness.prompts(3), new LoadShape.Closed(1));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.outputCountedFromUsage()).isZero();
            assertThat(s.outputTokens()).isEqualTo(27);
        }
    }

    @Test
    void usageBeatsChunkCountWhenChunksHoldSeveralTokens() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 1000).chunks(4, true))) {
            RunData run = Harness.run(fake.url(), Endpoint.COMPLETIONS, Harness.random(8, 12), Harness.prompts(2), new LoadShape.Closed(1));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.outputCountedFromUsage()).isEqualTo(2);
            assertThat(s.outputTokens()).isEqualTo(24);
            assertThat(run.results().getFirst().chunkNanos()).hasSize(3);
            assertThat(s.promptCountedFromUsage()).isEqualTo(2);
        }
    }

    @Test
    void nonStreamingRequestsHaveE2eButNoTtft() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(20, 1000));
             StreamClient client = Harness.client(fake.url(), Endpoint.CHAT, null, false)) {
            RunData run = Harness.run(client, Harness.random(8, 5), Harness.prompts(2), new LoadShape.Closed(1));
            Summary s = Summary.of(run, Slo.NONE, null);
            assertThat(s.completed()).isEqualTo(2);
            assertThat(s.outputTokens()).isEqualTo(10);
            assertThat(s.ttftMs().count()).isZero();
            assertThat(s.e2eMs().mean()).isGreaterThanOrEqualTo(20);
            assertThat(fake.bodies.getFirst().has("stream_options")).isFalse();
        }
    }
}
