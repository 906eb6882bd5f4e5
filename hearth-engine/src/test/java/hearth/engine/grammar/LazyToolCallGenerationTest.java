package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.TestData;
import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.sample.SamplingParams;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Strict tools under {@code tool_choice: "auto"} on real models: a lazily applied tool-call grammar leaves prose alone
 * (the very tokens of unconstrained sampling) and, once the trigger appears, makes the rest a call that validates.
 * The gibberish models never write {@code <tool_call>} themselves, so the second test triggers on a piece of text the
 * model writes anyway (three tokens of its own unconstrained output), followed by the Hermes call grammar.
 */
class LazyToolCallGenerationTest {
    private static Engine stories;
    private static Engine llama;
    private static final Object WEATHER = JsonSchemaGrammarTest.schema(ConstrainedGenerationTest.WEATHER);
    private static final Object READ = JsonSchemaGrammarTest.schema("""
            {"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":10},"limit":{"type":"integer","minimum":1,"maximum":500}},
             "required":["path"],"additionalProperties":false}""");
    private static final List<ToolCallGrammar.Tool> TOOLS = List.of(
            new ToolCallGrammar.Tool("get_weather", WEATHER), new ToolCallGrammar.Tool("read_file", READ));

    @BeforeAll
    static void load() throws Exception {
        stories = Engine.load(EngineConfig.of(TestData.require("models/stories260K.gguf")).withThreads(1).withParallel(2).withContextSize(512));
        llama = Engine.load(EngineConfig.of(TestData.require("models/llama-2-tiny-random.gguf")).withThreads(1).withParallel(2).withContextSize(512));
    }

    @AfterAll
    static void close() {
        if (stories != null) stories.close();
        if (llama != null) llama.close();
    }

    static Stream<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("stories260K", "llama-2-tiny-random")) {
            out.add(Arguments.of(model, 0f, 0L));
            for (long seed = 1; seed <= 3; seed++) out.add(Arguments.of(model, 1.1f, seed));
        }
        return out.stream();
    }

    private static Engine engine(String name) {
        return name.equals("stories260K") ? stories : llama;
    }

    private static Engine.Result generate(Engine e, SamplingParams sampling, int maxTokens) {
        int[] prompt = e.tokenizer().encode("Once upon a time", true, true);
        return e.generate(new GenerateRequest("lazy", prompt, sampling, maxTokens, List.of(), false), null);
    }

    @ParameterizedTest(name = "{0}, temperature {1}, seed {2}")
    @MethodSource("runs")
    void proseWithoutTheTriggerIsExactlyWhatUnconstrainedSamplingWrites(String model, float temperature, long seed) {
        SamplingParams free = SamplingParams.defaults().withTemperature(temperature).withSeed(seed);
        Engine.Result plain = generate(engine(model), free, 60);
        assertThat(plain.text()).doesNotContain("<tool_call>");
        Grammar lazy = ToolCallGrammar.lazyForFormat(ToolCallFormat.HERMES, TOOLS, false);
        Engine.Result r = generate(engine(model), free.withGrammar(lazy), 60);
        assertThat(r.tokens()).isEqualTo(plain.tokens());
        assertThat(r.done().reason()).isEqualTo(plain.done().reason());
    }

    @ParameterizedTest(name = "{0}, temperature {1}, seed {2}")
    @MethodSource("runs")
    void aCallStartedAtTheTriggerIsReadBackWithArgumentsThatValidate(String model, float temperature, long seed) throws Exception {
        Engine e = engine(model);
        SamplingParams free = SamplingParams.defaults().withTemperature(temperature).withSeed(seed);
        Engine.Result plain = generate(e, free, 40);
        int k = triggerEnd(e, plain.tokens());
        String trigger = new String(pieces(e, plain.tokens().subList(k - 2, k + 1)), StandardCharsets.UTF_8);
        Grammar call = ToolCallGrammar.forFormat(ToolCallFormat.HERMES, TOOLS, false);
        Grammar lazy = ToolCallGrammar.wrap(trigger, call, "").lazy(List.of(trigger));

        Engine.Result r = generate(e, free.withGrammar(lazy), 400);
        assertThat(r.tokens().subList(0, k + 1)).as("free text up to the trigger").isEqualTo(plain.tokens().subList(0, k + 1));
        assertThat(r.done().reason()).as(r.text()).isEqualTo(FinishReason.STOP);
        String tail = r.text().substring(r.text().indexOf("<tool_call>"));
        assertThat(call.matches(tail)).as(tail).isTrue();
        List<String[]> calls = ToolCallGrammarTest.parseCalls(ToolCallFormat.HERMES, tail);
        assertThat(calls).as(tail).hasSize(1);
        String name = calls.getFirst()[0];
        JsonNode args = JsonSchemaGrammarTest.JSON_MAPPER.readTree(calls.getFirst()[1]);
        assertThat(SubsetValidator.validate(args, name.equals("get_weather") ? WEATHER : READ)).as(tail).isEmpty();
    }

    /**
     * The first token index k >= 6 such that tokens k-2..k spell, as valid UTF-8 of at least 3 bytes, a text that does
     * not occur earlier in the output: the lazy run then triggers exactly there.
     */
    private static int triggerEnd(Engine e, List<Integer> tokens) {
        for (int k = 6; k < tokens.size(); k++) {
            byte[] t = pieces(e, tokens.subList(k - 2, k + 1));
            if (t == null || t.length < 3 || !Arrays.equals(new String(t, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), t)) continue;
            byte[] before = pieces(e, tokens.subList(0, k + 1));
            if (before != null && indexOf(before, t) == before.length - t.length) return k;
        }
        throw new AssertionError("no usable trigger in " + tokens);
    }

    /** The output bytes of tokens as the grammar sees them; null if one of them is not text. */
    private static byte[] pieces(Engine e, List<Integer> tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : tokens) {
            if (e.tokenizer().isControl(id) || e.tokenizer().isEndOfGeneration(id)) return null;
            out.writeBytes(e.tokenizer().piece(id, false));
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
