package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.bench.dataset.DatasetSpec;
import hearth.bench.dataset.LengthRange;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The whole {@code bench serve} flow: model lookup, prompt sizing, sweeps, prefix-cache scraping. */
class ServeBenchTest {
    @Test
    void theModelIsTakenFromTheServerAndPromptsAreSizedWithItsTokenizer() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 2000))) {
            var spec = Harness.spec(fake.url(), Endpoint.COMPLETIONS, DatasetSpec.random(LengthRange.fixed(100), LengthRange.fixed(4)),
                    new LoadShape.Closed(2), Harness.prompts(6));
            var result = ServeBench.run(spec, Progress.NONE, Harness.SILENT, p -> { });
            assertThat(result.parameters()).containsEntry("model", "fake-model");
            assertThat(fake.bodies).allSatisfy(b -> assertThat(b.path("model").asText()).isEqualTo("fake-model"));
            Summary s = result.points().getFirst().summary();
            // the fake's tokenizer counts words, and so does its usage.prompt_tokens
            assertThat(s.inputTokens() / (double) s.completed()).isBetween(95.0, 106.0);
            assertThat(s.promptCountedFromUsage()).isEqualTo(6);
        }
    }

    @Test
    void theAgentReplayShowsPrefixCacheHitsScrapedFromMetrics() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(1, 2000))) {
            var agent = new DatasetSpec(DatasetSpec.Kind.AGENT, null, LengthRange.fixed(20), LengthRange.fixed(4), 0, 50, 3, 128);
            // conversations of 3 turns: every turn after the first resends an earlier prompt as its prefix
            var spec = Harness.spec(fake.url(), Endpoint.CHAT, agent, new LoadShape.Closed(2), Harness.prompts(12));
            var result = ServeBench.run(spec, Progress.NONE, Harness.SILENT, p -> { });
            Summary s = result.points().getFirst().summary();
            assertThat(s.completed()).isEqualTo(12);
            assertThat(s.prefixCache().family()).isEqualTo("fake_");
            assertThat(s.prefixCache().queries()).isEqualTo(12);
            long laterTurns = result.points().getFirst().data().results().stream().filter(r -> r.turn() > 0).count();
            assertThat(laterTurns).isGreaterThanOrEqualTo(4); // the last conversations may be cut off by the request count
            assertThat(s.prefixCache().hitRate()).isCloseTo(laterTurns / 12.0, org.assertj.core.api.Assertions.within(1e-9));
            // system, then user/assistant pairs: the third turn sends 6 messages
            assertThat(fake.bodies.stream().mapToInt(b -> b.path("messages").size()).max().getAsInt()).isEqualTo(6);
        }
    }

    @Test
    void aSweepMeasuresEachPointInTurn() throws Exception {
        try (var fake = FakeOpenAiServer.start(FakeOpenAiServer.Behaviour.fast().timing(30, 1000))) {
            var base = Harness.spec(fake.url(), Endpoint.COMPLETIONS, DatasetSpec.random(LengthRange.fixed(8), LengthRange.fixed(4)),
                    new LoadShape.Closed(1), new BenchConfig(6, null, Duration.ZERO, Duration.ofSeconds(10), 2, Slo.NONE, Duration.ZERO));
            var spec = new ServeBench.Spec(base.url(), base.endpoint(), null, null, true, true, null, base.extraBody(), base.dataset(),
                    base.load(), Sweep.parse("concurrency=1,3"), base.config(), 1, Duration.ofSeconds(2));
            var result = ServeBench.run(spec, Progress.NONE, Harness.SILENT, p -> { });
            assertThat(result.points()).hasSize(2);
            assertThat(result.points().get(0).coordinate()).containsEntry("concurrency", 1.0);
            assertThat(result.points().get(0).summary().maxConcurrency()).isEqualTo(1);
            assertThat(result.points().get(1).summary().maxConcurrency()).isEqualTo(3);
            assertThat(fake.generations()).isEqualTo(2 + 6 + 6); // warm-up once, then each point
        }
    }
}
