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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forced Qwen3-Coder and GLM-4.5 calls on real models (gibberish, so the grammar does all the work): every output is a
 * sentence of the grammar, the output parser reads one call from it, and its arguments satisfy the tool's schema.
 */
class KeyValueToolCallGenerationTest {
    private static final int MAX_TOKENS = 400;
    private static final Object WEATHER = JsonSchemaGrammarTest.schema(ConstrainedGenerationTest.WEATHER);
    private static final Object READ = JsonSchemaGrammarTest.schema("""
            {"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":10},"limit":{"type":"integer","minimum":1,"maximum":500},
             "flags":{"type":"array","items":{"enum":["r","x"]},"maxItems":2}},"required":["path"],"additionalProperties":false}""");
    private static final List<ToolCallGrammar.Tool> TOOLS = List.of(
            new ToolCallGrammar.Tool("get_weather", WEATHER), new ToolCallGrammar.Tool("read_file", READ));
    private static Engine stories;
    private static Engine llama;

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
        for (ToolCallFormat format : List.of(ToolCallFormat.QWEN3_CODER, ToolCallFormat.GLM45)) {
            for (String model : List.of("stories260K", "llama-2-tiny-random")) {
                out.add(Arguments.of(format, model, 0f, 0L));
                out.add(Arguments.of(format, model, 1f, 3L));
                out.add(Arguments.of(format, model, 1.5f, 11L));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, temperature {2}, seed {3}")
    @MethodSource("runs")
    void aForcedCallIsReadBackWithArgumentsThatValidate(ToolCallFormat format, String model, float temperature, long seed) throws Exception {
        Engine e = model.equals("stories260K") ? stories : llama;
        Grammar grammar = ToolCallGrammar.forFormat(format, TOOLS, false);
        SamplingParams sampling = SamplingParams.defaults().withTemperature(temperature).withSeed(seed).withGrammar(grammar);
        int[] prompt = e.tokenizer().encode("Once upon a time", true, true);
        Engine.Result r = e.generate(new GenerateRequest("kv", prompt, sampling, MAX_TOKENS, List.of(), false), null);
        assertThat(r.done().reason()).as(r.text()).isEqualTo(FinishReason.STOP);
        assertThat(grammar.matches(r.text())).as(r.text()).isTrue();
        String[] call = KeyValueCallGrammarTest.call(format, r.text());
        assertThat(call[0]).as(r.text()).isIn("get_weather", "read_file");
        JsonNode args = JsonSchemaGrammarTest.JSON_MAPPER.readTree(call[1]);
        assertThat(SubsetValidator.validate(args, call[0].equals("get_weather") ? WEATHER : READ)).as(r.text()).isEmpty();
    }
}
