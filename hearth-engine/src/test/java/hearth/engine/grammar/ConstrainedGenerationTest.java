package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.TestData;
import hearth.engine.sample.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Grammar-constrained generation on real models whose own output is gibberish (stories260K: 512-token SPM vocabulary;
 * llama-2-tiny-random: random weights, the 32000-token Llama 2 vocabulary). The grammar does all the work: every
 * output must parse as JSON and satisfy its schema. The schemas bound every string, array and number, so the language
 * is finite and each generation must finish within the token limit.
 */
class ConstrainedGenerationTest {
    private static final int MAX_TOKENS = 400;
    private static Engine stories;
    private static Engine llama;

    static final String WEATHER = """
            {"type":"object","properties":{"city":{"type":"string","maxLength":12},
             "unit":{"enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":0},"hourly":{"type":"boolean"}},
             "required":["city","unit"],"additionalProperties":false}""";
    static final String EDITS = """
            {"type":"object","properties":{
              "edits":{"type":"array","minItems":1,"maxItems":3,"items":{"type":"object","properties":{
                 "path":{"type":"string","minLength":1,"maxLength":10},"line":{"type":"integer"},
                 "kind":{"enum":["add","remove"]},"tags":{"type":"array","items":{"type":"string","maxLength":5},"maxItems":2}},
               "required":["path","line","kind"],"additionalProperties":false}},
              "dry_run":{"type":["boolean","null"]}},
             "required":["edits"],"additionalProperties":false}""";
    static final String SHAPES = """
            {"$defs":{"point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},
               "required":["x","y"],"additionalProperties":false}},
             "type":"object","properties":{
               "shape":{"anyOf":[{"$ref":"#/$defs/point"},{"type":"array","items":{"$ref":"#/$defs/point"},"minItems":2,"maxItems":3}]},
               "label":{"anyOf":[{"type":"string","maxLength":8},{"type":"null"}]}},
             "required":["shape","label"],"additionalProperties":false}""";

    @BeforeAll
    static void load() throws Exception {
        stories = Engine.load(EngineConfig.of(TestData.require("models/stories260K.gguf")).withThreads(1).withParallel(4).withContextSize(512));
        llama = Engine.load(EngineConfig.of(TestData.require("models/llama-2-tiny-random.gguf")).withThreads(1).withParallel(4).withContextSize(512));
    }

    @AfterAll
    static void close() {
        if (stories != null) stories.close();
        if (llama != null) llama.close();
    }

    private static Engine engine(String name) {
        return name.equals("stories260K") ? stories : llama;
    }

    static Stream<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("stories260K", "llama-2-tiny-random")) {
            for (String schema : List.of("WEATHER", "EDITS", "SHAPES")) {
                out.add(Arguments.of(model, schema, 0f, 0L));
                out.add(Arguments.of(model, schema, 1.0f, 1L));
                out.add(Arguments.of(model, schema, 1.5f, 42L));
            }
        }
        return out.stream();
    }

    private static String schemaText(String name) {
        return switch (name) {
            case "WEATHER" -> WEATHER;
            case "EDITS" -> EDITS;
            default -> SHAPES;
        };
    }

    private static Engine.Result generate(Engine engine, SamplingParams sampling, int maxTokens) {
        int[] prompt = engine.tokenizer().encode("Once upon a time", true, true);
        return engine.generate(new GenerateRequest("g", prompt, sampling, maxTokens, List.of(), false), null);
    }

    @ParameterizedTest(name = "{0}, {1}, temperature {2}, seed {3}")
    @MethodSource("runs")
    void outputIsJsonThatSatisfiesTheSchema(String model, String schemaName, float temperature, long seed) throws Exception {
        Object schema = JsonSchemaGrammarTest.schema(schemaText(schemaName));
        Grammar grammar = JsonSchemaGrammar.fromSchema(schema);
        SamplingParams sampling = SamplingParams.defaults().withTemperature(temperature).withSeed(seed).withGrammar(grammar);
        Engine.Result r = generate(engine(model), sampling, MAX_TOKENS);
        assertThat(r.done().reason()).as(r.text()).isEqualTo(FinishReason.STOP);
        JsonNode json = JsonSchemaGrammarTest.JSON_MAPPER.readTree(r.text());
        assertThat(SubsetValidator.validate(json, schema)).as(r.text()).isEmpty();
        assertThat(grammar.matches(r.text())).isTrue();
    }

    @ParameterizedTest(name = "{0}, temperature {1}")
    @MethodSource("toolRuns")
    void aForcedHermesToolCallIsReadBackByTheOutputParser(String model, float temperature, long seed) throws Exception {
        Object weather = JsonSchemaGrammarTest.schema(WEATHER);
        Object edits = JsonSchemaGrammarTest.schema(EDITS);
        List<ToolCallGrammar.Tool> tools = List.of(new ToolCallGrammar.Tool("get_weather", weather), new ToolCallGrammar.Tool("apply_edits", edits));
        Grammar grammar = ToolCallGrammar.forFormat(hearth.engine.chat.parse.ToolCallFormat.HERMES, tools, false);
        SamplingParams sampling = SamplingParams.defaults().withTemperature(temperature).withSeed(seed).withGrammar(grammar);
        Engine.Result r = generate(engine(model), sampling, MAX_TOKENS);
        assertThat(r.done().reason()).as(r.text()).isEqualTo(FinishReason.STOP);
        List<String[]> calls = ToolCallGrammarTest.parseCalls(hearth.engine.chat.parse.ToolCallFormat.HERMES, r.text());
        assertThat(calls).as(r.text()).hasSize(1);
        String name = calls.getFirst()[0];
        assertThat(name).isIn("get_weather", "apply_edits");
        JsonNode args = JsonSchemaGrammarTest.JSON_MAPPER.readTree(calls.getFirst()[1]);
        assertThat(SubsetValidator.validate(args, name.equals("get_weather") ? weather : edits)).as(r.text()).isEmpty();
    }

    static Stream<Arguments> toolRuns() {
        return Stream.of(Arguments.of("stories260K", 0f, 0L), Arguments.of("stories260K", 1f, 9L),
                Arguments.of("llama-2-tiny-random", 0f, 0L), Arguments.of("llama-2-tiny-random", 1f, 9L));
    }

    @Test
    void theSameSeedGivesTheSameConstrainedOutput() {
        Grammar grammar = JsonSchemaGrammar.fromSchema(JsonSchemaGrammarTest.schema(EDITS));
        SamplingParams sampling = SamplingParams.defaults().withTemperature(1.2f).withSeed(7L).withGrammar(grammar);
        assertThat(generate(llama, sampling, MAX_TOKENS).tokens()).isEqualTo(generate(llama, sampling, MAX_TOKENS).tokens());
    }

    @Test
    void concurrentConstrainedRequestsEachKeepTheirOwnGrammarState() throws Exception {
        Grammar grammar = JsonSchemaGrammar.fromSchema(JsonSchemaGrammarTest.schema(WEATHER));
        List<SamplingParams> params = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) params.add(SamplingParams.defaults().withTemperature(1.3f).withSeed(seed).withGrammar(grammar));
        List<List<Integer>> alone = new ArrayList<>();
        for (SamplingParams p : params) alone.add(generate(llama, p, MAX_TOKENS).tokens());
        List<java.util.concurrent.CompletableFuture<Engine.Result>> together = new ArrayList<>();
        for (SamplingParams p : params) together.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> generate(llama, p, MAX_TOKENS)));
        for (int i = 0; i < params.size(); i++) {
            Engine.Result r = together.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.tokens()).isEqualTo(alone.get(i));
            assertThat(grammar.matches(r.text())).as(r.text()).isTrue();
        }
    }

    @Test
    void jsonObjectModeGivesAnObjectOrAPrefixOfOne() throws Exception {
        // any object is unbounded: the story model happily writes dialogue into string after string. Left alone it
        // runs into the token limit (every output still a prefix of an object); nudged towards closing quotes,
        // colons and braces (a logit bias, as a model that wants to finish), it ends with a complete object.
        Grammar object = JsonSchemaGrammar.anyObject();
        Map<Integer, Float> closers = new java.util.HashMap<>();
        var tok = stories.tokenizer();
        for (int id = 0; id < tok.vocabularySize(); id++) {
            String piece = new String(tok.piece(id, false), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (piece.equals("\"") || piece.equals(":")) closers.put(id, 4f);
            if (piece.equals("}")) closers.put(id, 8f);
        }
        assertThat(closers).isNotEmpty();
        for (long seed = 1; seed <= 4; seed++) {
            SamplingParams free = SamplingParams.defaults().withTemperature(1f).withSeed(seed).withGrammar(object);
            Engine.Result r = generate(stories, free, 60);
            assertThat(object.isPrefix(r.text())).as(r.text()).isTrue();
            if (r.done().reason() == FinishReason.STOP) assertThat(JsonSchemaGrammarTest.JSON_MAPPER.readTree(r.text()).isObject()).isTrue();
            else assertThat(r.tokens()).hasSize(60);

            SamplingParams nudged = new SamplingParams(1f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, seed, closers, 0).withGrammar(object);
            Engine.Result done = generate(stories, nudged, MAX_TOKENS);
            assertThat(done.done().reason()).as(done.text()).isEqualTo(FinishReason.STOP);
            assertThat(JsonSchemaGrammarTest.JSON_MAPPER.readTree(done.text()).isObject()).as(done.text()).isTrue();
        }
    }

    @Test
    void aGrammarTheModelSatisfiesSlowlyEndsAtTheTokenLimit() {
        // an unbounded string: gibberish keeps writing it; the generation ends with LENGTH and a valid prefix
        Grammar grammar = Grammar.parse("root ::= \"{\\\"story\\\": \\\"\" [a-z ]* \"\\\"}\"");
        Engine.Result r = generate(stories, SamplingParams.GREEDY.withGrammar(grammar), 40);
        assertThat(r.done().reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokens()).hasSize(40);
        assertThat(r.text()).startsWith("{\"story\": \"");
        assertThat(grammar.isPrefix(r.text())).isTrue();
    }

    @Test
    void aCompleteSentenceEndsTheGenerationWithStop() {
        Grammar grammar = Grammar.parse("root ::= \"yes\" | \"no\"");
        for (Engine e : List.of(stories, llama)) {
            Engine.Result r = generate(e, SamplingParams.defaults().withSeed(3L).withGrammar(grammar), 50);
            assertThat(r.text()).isIn("yes", "no");
            assertThat(r.done().reason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void gbnfWithNonAsciiClassesWorksOnByteFallbackVocabulary() {
        // stories260K has few multi-byte tokens: characters come as byte tokens, split UTF-8 across tokens
        Grammar grammar = Grammar.parse("root ::= \"<\" [α-ω]{3} \">\"");
        Engine.Result r = generate(stories, SamplingParams.defaults().withSeed(5L).withGrammar(grammar), 30);
        assertThat(r.text()).matches("<[α-ω]{3}>");
        assertThat(r.done().reason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void logitBiasThatBansEveryAllowedTokenEndsTheGeneration() {
        Grammar grammar = Grammar.parse("root ::= \"a\"+");
        var tok = stories.tokenizer();
        Map<Integer, Float> ban = new java.util.HashMap<>();
        for (int id = 0; id < tok.vocabularySize(); id++) {
            String piece = new String(tok.piece(id, false), java.nio.charset.StandardCharsets.UTF_8);
            if (!piece.isEmpty() && piece.chars().allMatch(c -> c == 'a')) ban.put(id, Float.NEGATIVE_INFINITY);
        }
        var p = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L, ban, 2).withGrammar(grammar); // with logprobs too
        Engine.Result r = generate(stories, p, 10);
        assertThat(r.tokens()).isEmpty();
        assertThat(r.done().reason()).isEqualTo(FinishReason.STOP);
    }
}
