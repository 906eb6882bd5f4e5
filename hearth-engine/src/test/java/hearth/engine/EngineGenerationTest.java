package hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.sample.SamplingParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine loop end to end on stories260K: batching, prefix cache and cancellation keep llama.cpp's greedy output. */
class EngineGenerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Engine engine;

    @BeforeAll
    static void load() throws Exception {
        Path model = TestData.require("models/stories260K.gguf");
        engine = Engine.load(EngineConfig.of(model).withThreads(2).withParallel(4).withContextSize(256).withMaxBatchTokens(64));
    }

    @AfterAll
    static void close() {
        if (engine != null) engine.close();
    }

    private static JsonNode vector(String name) throws Exception {
        return JSON.readTree(TestData.require("conformance/" + name).toFile());
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    private static List<Integer> list(JsonNode a) {
        List<Integer> r = new ArrayList<>();
        a.forEach(n -> r.add(n.asInt()));
        return r;
    }

    @Test
    void greedyGenerationMatchesLlamaCppTokensAndText() throws Exception {
        JsonNode ref = vector("stories260K__once_upon.json");
        int[] prompt = engine.tokenizer().encode(ref.get("prompt").asText(), true, true);
        assertThat(prompt).containsExactly(ints(ref.get("prompt_tokens")));
        Engine.Result r = engine.generate(GenerateRequest.greedy("a", prompt, 32), null);
        assertThat(r.tokens()).isEqualTo(list(ref.get("output_tokens")));
        assertThat(r.text()).isEqualTo(ref.get("output_text").asText());
        assertThat(r.done().reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.done().usage().promptTokens()).isEqualTo(prompt.length);
        assertThat(r.done().usage().completionTokens()).isEqualTo(32);
    }

    @Test
    void eightConcurrentRequestsEachGetTheirOwnGreedyOutput() throws Exception {
        String[] names = {"stories260K__once_upon.json", "stories260K__lily_tom.json", "stories260K__little_dog.json"};
        List<CompletableFuture<Engine.Result>> futures = new ArrayList<>();
        List<JsonNode> refs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JsonNode ref = vector(names[i % names.length]);
            refs.add(ref);
            int[] prompt = ints(ref.get("prompt_tokens"));
            futures.add(CompletableFuture.supplyAsync(() -> engine.generate(GenerateRequest.greedy("c" + prompt.length, prompt, 32), null)));
        }
        for (int i = 0; i < 8; i++) {
            assertThat(futures.get(i).get(60, TimeUnit.SECONDS).tokens()).as("request %d", i).isEqualTo(list(refs.get(i).get("output_tokens")));
        }
    }

    @Test
    void repeatedPromptIsServedFromThePrefixCacheWithTheSameOutput() throws Exception {
        JsonNode ref = vector("stories260K__lily_tom.json");
        // a long prompt: the reference prompt followed by its own output, so that several full blocks can be cached
        int[] p = ints(ref.get("prompt_tokens"));
        int[] out = ints(ref.get("output_tokens"));
        int[] prompt = new int[p.length + out.length];
        System.arraycopy(p, 0, prompt, 0, p.length);
        System.arraycopy(out, 0, prompt, p.length, out.length);
        Engine.Result first = engine.generate(GenerateRequest.greedy("p1", prompt, 8), null);
        Engine.Result second = engine.generate(GenerateRequest.greedy("p2", prompt, 8), null);
        assertThat(second.tokens()).isEqualTo(first.tokens());
        assertThat(second.done().usage().cachedTokens()).isGreaterThanOrEqualTo(32);
        assertThat(engine.stats().prefixHits()).isGreaterThan(0);
    }

    @Test
    void stopStringEndsGenerationAndIsNotInTheText() {
        int[] prompt = engine.tokenizer().encode("Once upon a time", true, true);
        var req = new GenerateRequest("s", prompt, SamplingParams.GREEDY, 32, List.of("Lily"), false);
        Engine.Result r = engine.generate(req, null);
        assertThat(r.text()).isEqualTo(", there was a little girl named ");
        assertThat(r.done().reason()).isEqualTo(FinishReason.STOP);
        assertThat(r.done().stopString()).isEqualTo("Lily");
    }

    @Test
    void sameSeedGivesTheSameSampledOutput() {
        int[] prompt = engine.tokenizer().encode("The little dog", true, true);
        var sampling = new SamplingParams(1.0f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, 1234L, Map.of(), 0);
        var req = new GenerateRequest("r", prompt, sampling, 24, List.of(), true);
        Engine.Result a = engine.generate(req, null);
        Engine.Result b = engine.generate(req, null);
        Engine.Result c = engine.generate(new GenerateRequest("r", prompt, sampling.withSeed(99L), 24, List.of(), true), null);
        assertThat(a.tokens()).isEqualTo(b.tokens()).hasSize(24);
        assertThat(c.tokens()).isNotEqualTo(a.tokens());
    }

    @Test
    void topLogprobsAreReportedPerToken() throws Exception {
        JsonNode ref = vector("stories260K__once_upon.json");
        var req = new GenerateRequest("l", ints(ref.get("prompt_tokens")), SamplingParams.GREEDY.withTopLogprobs(5), 4, List.of(), false);
        Engine.Result r = engine.generate(req, null);
        assertThat(r.logprobs()).hasSize(4);
        var first = r.logprobs().getFirst();
        assertThat(first.top()).hasSize(5);
        assertThat(first.top().getFirst().token()).isEqualTo(432);
        assertThat((double) first.logprob()).isCloseTo(-0.031754665, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void cancellingARequestFreesItsBlocksAndEndsItAsCancelled() throws Exception {
        int[] prompt = engine.tokenizer().encode("Once upon a time", true, true);
        CountDownLatch firstToken = new CountDownLatch(1);
        CompletableFuture<Event.Done> done = new CompletableFuture<>();
        var seq = engine.submit(new GenerateRequest("x", prompt, SamplingParams.GREEDY, 200, List.of(), true), e -> {
            if (e instanceof Event.Token) firstToken.countDown();
            if (e instanceof Event.Done d) done.complete(d);
        });
        assertThat(firstToken.await(30, TimeUnit.SECONDS)).isTrue();
        seq.cancel();
        assertThat(done.get(30, TimeUnit.SECONDS).reason()).isEqualTo(FinishReason.CANCELLED);
        // the stats snapshot is refreshed at the end of the engine step that ended the sequence
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((engine.stats().running() > 0 || engine.stats().usedBlocks() > 0) && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(engine.stats().running()).isZero();
        assertThat(engine.stats().usedBlocks()).isZero();
    }

    @Test
    void requestsPreemptedForLackOfKvBlocksStillProduceTheGreedyOutput() throws Exception {
        // 96 KV slots for 4 sequences of 37 tokens each: the newest ones are preempted and recomputed later
        var cfg = EngineConfig.of(TestData.require("models/stories260K.gguf")).withThreads(2).withParallel(4)
                .withContextSize(96).withKvCacheTokens(96).withMaxBatchTokens(64);
        JsonNode ref = vector("stories260K__once_upon.json");
        try (Engine small = Engine.load(cfg)) {
            List<CompletableFuture<Engine.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int[] prompt = ints(ref.get("prompt_tokens"));
                futures.add(CompletableFuture.supplyAsync(() -> small.generate(GenerateRequest.greedy("q", prompt, 32), null)));
            }
            for (var f : futures) assertThat(f.get(60, TimeUnit.SECONDS).tokens()).isEqualTo(list(ref.get("output_tokens")));
            assertThat(small.stats().preemptions()).isGreaterThan(0);
        }
    }

    @Test
    void outputParsingSplitsTheTextIntoNeutralDeltas() {
        int[] prompt = engine.tokenizer().encode("Once upon a time", true, true);
        var plain = new GenerateRequest("o", prompt, SamplingParams.GREEDY, 24, List.of(), false);
        String text = engine.generate(plain, null).text();
        for (boolean thinking : new boolean[] {false, true}) {
            var out = new GenerateRequest.Output(hearth.engine.chat.parse.ToolCallFormat.HERMES, hearth.engine.chat.parse.ReasoningMarkers.THINK, thinking);
            StringBuilder content = new StringBuilder(), reasoning = new StringBuilder();
            engine.generate(plain.withOutput(out), t -> t.deltas().forEach(d -> {
                switch (d) {
                    case hearth.engine.chat.parse.ChatDelta.Content c -> content.append(c.text());
                    case hearth.engine.chat.parse.ChatDelta.Reasoning r -> reasoning.append(r.text());
                    case hearth.engine.chat.parse.ChatDelta.ToolCall c -> throw new AssertionError("no tool call expected");
                }
            }));
            assertThat(thinking ? reasoning.toString() : content.toString()).isEqualTo(thinking ? text : text.stripLeading());
            assertThat(thinking ? content.toString() : reasoning.toString()).isEmpty();
        }
    }

    @Test
    void promptLongerThanTheContextIsRefusedWithTheNumbers() {
        int[] prompt = new int[300];
        java.util.Arrays.fill(prompt, 5);
        assertThatThrownBy(() -> engine.submit(GenerateRequest.greedy("big", prompt, 4), e -> {}))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("300").hasMessageContaining("256")
                .extracting(e -> ((EngineException) e).kind()).isEqualTo(EngineException.Kind.TOO_LONG);
    }

    @Test
    void requestsSubmittedTogetherEachGetTheirOwnOutputAndARefusedOneQueuesNone() throws Exception {
        String[] names = {"stories260K__once_upon.json", "stories260K__lily_tom.json", "stories260K__little_dog.json"};
        List<GenerateRequest> requests = new ArrayList<>();
        List<CompletableFuture<List<Integer>>> outputs = new ArrayList<>();
        List<java.util.function.Consumer<Event>> sinks = new ArrayList<>();
        for (String name : names) {
            requests.add(GenerateRequest.greedy("t", ints(vector(name).get("prompt_tokens")), 32));
            List<Integer> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<List<Integer>> out = new CompletableFuture<>();
            sinks.add(e -> {
                if (e instanceof Event.Token t) for (int id : t.tokens()) tokens.add(id);
                else if (e instanceof Event.Done) out.complete(tokens);
            });
            outputs.add(out);
        }
        engine.submitAll(requests, sinks);
        for (int i = 0; i < names.length; i++) {
            assertThat(outputs.get(i).get(60, TimeUnit.SECONDS)).as(names[i]).isEqualTo(list(vector(names[i]).get("output_tokens")));
        }
        // one request too long for the context: the call throws and none of the three is queued
        int[] big = new int[300];
        List<GenerateRequest> withBig = List.of(requests.get(0), GenerateRequest.greedy("big", big, 4), requests.get(1));
        List<Boolean> called = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.function.Consumer<Event>> record = List.of(e -> called.add(true), e -> called.add(true), e -> called.add(true));
        assertThatThrownBy(() -> engine.submitAll(withBig, record)).isInstanceOf(EngineException.class)
                .extracting(e -> ((EngineException) e).kind()).isEqualTo(EngineException.Kind.TOO_LONG);
        Thread.sleep(200); // a queued one would have had events by now (a step takes well under a millisecond)
        assertThat(called).isEmpty();
    }
}
