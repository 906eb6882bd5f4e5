package hearth.engine.chat.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Model outputs of each family, streamed in pieces of every size, come apart into content, reasoning and tool calls. */
class OutputParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a whole turn amounts to once all deltas are put together. */
    record Turn(String content, String reasoning, List<String> names, List<JsonNode> arguments, int argumentFragments) {}

    static Turn run(ToolCallFormat format, boolean startInReasoning, String output, int chunk) throws Exception {
        OutputParser p = new OutputParser(format, ReasoningMarkers.THINK, startInReasoning);
        List<ChatDelta> deltas = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(chunk);
        for (int i = 0; i < output.length(); ) {
            int n = chunk > 0 ? chunk : 1 + rnd.nextInt(7);
            deltas.addAll(p.feed(output.substring(i, Math.min(output.length(), i + n))));
            i += n;
        }
        deltas.addAll(p.finish());
        StringBuilder content = new StringBuilder(), reasoning = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<StringBuilder> args = new ArrayList<>();
        int fragments = 0;
        for (ChatDelta d : deltas) {
            switch (d) {
                case ChatDelta.Content c -> content.append(c.text());
                case ChatDelta.Reasoning r -> reasoning.append(r.text());
                case ChatDelta.ToolCall t -> {
                    if (t.name() != null) {
                        assertThat(t.index()).isEqualTo(names.size());
                        assertThat(t.id()).startsWith("call_");
                        names.add(t.name());
                        args.add(new StringBuilder());
                    } else {
                        fragments++;
                    }
                    args.get(t.index()).append(t.arguments());
                }
            }
        }
        List<JsonNode> parsed = new ArrayList<>();
        for (StringBuilder a : args) parsed.add(JSON.readTree(a.toString()));
        return new Turn(content.toString(), reasoning.toString(), names, parsed, fragments);
    }

    static Stream<Arguments> chunkSizes() {
        return Stream.of(Arguments.of(1), Arguments.of(3), Arguments.of(0), Arguments.of(1000));
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void hermesCallsAfterSomeText(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.HERMES, false, "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"location\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", "
                + "\"arguments\": {\"tz\": \"Europe/Paris\"}}\n</tool_call>", chunk);
        assertThat(t.content()).isEqualTo("Let me check.\n\n");
        assertThat(t.names()).containsExactly("get_weather", "get_time");
        assertThat(t.arguments()).containsExactly(json("{\"location\":\"Paris\",\"unit\":\"celsius\"}"), json("{\"tz\":\"Europe/Paris\"}"));
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void qwen3ThinkingThenToolCall(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.HERMES, false, "<think>\nThe user wants the weather.\n</think>\n\n<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>", chunk);
        assertThat(t.reasoning()).isEqualTo("\nThe user wants the weather.\n");
        assertThat(t.content()).isEmpty();
        assertThat(t.names()).containsExactly("get_weather");
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void promptThatOpenedThinkingStartsInReasoning(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.NONE, true, "Two plus two is four.\n</think>\n\nThe answer is 4.", chunk);
        assertThat(t.reasoning()).isEqualTo("Two plus two is four.\n");
        assertThat(t.content()).isEqualTo("The answer is 4.");
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void glmKeyValueArgumentsBecomeTypedJson(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.GLM45, false, "<tool_call>get_weather\n<arg_key>location</arg_key>\n<arg_value>Paris</arg_value>\n"
                + "<arg_key>days</arg_key>\n<arg_value>3</arg_value>\n<arg_key>opts</arg_key>\n<arg_value>{\"a\": [1, 2]}</arg_value>\n</tool_call>", chunk);
        assertThat(t.names()).containsExactly("get_weather");
        assertThat(t.arguments().getFirst()).isEqualTo(json("{\"location\":\"Paris\",\"days\":3,\"opts\":{\"a\":[1,2]}}"));
        assertThat(t.content()).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void qwen3CoderFunctionParameters(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.QWEN3_CODER, false, "I'll look.\n<tool_call>\n<function=write_file>\n<parameter=path>\nsrc/a.py\n</parameter>\n"
                + "<parameter=content>\ndef f():\n    return 1\n</parameter>\n</function>\n</tool_call>", chunk);
        assertThat(t.content()).isEqualTo("I'll look.\n");
        assertThat(t.names()).containsExactly("write_file");
        assertThat(t.arguments().getFirst()).isEqualTo(json("{\"path\":\"src/a.py\",\"content\":\"def f():\\n    return 1\"}"));
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void mistralNamedCallsOneMarkerEach(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.MISTRAL, false, "[TOOL_CALLS]get_weather[ARGS]{\"location\": \"Paris\"}[TOOL_CALLS]get_time[CALL_ID]abc123456[ARGS]{}", chunk);
        assertThat(t.names()).containsExactly("get_weather", "get_time");
        assertThat(t.arguments()).containsExactly(json("{\"location\":\"Paris\"}"), json("{}"));
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void mistralJsonArrayOfCalls(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.MISTRAL, false, "[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {\"x\": 1}}, {\"name\": \"b\", \"arguments\": {\"y\": \"}\"}}]", chunk);
        assertThat(t.names()).containsExactly("a", "b");
        assertThat(t.arguments()).containsExactly(json("{\"x\":1}"), json("{\"y\":\"}\"}"));
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void llama3BareJsonAnswerIsACall(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.LLAMA3, false, "{\"name\": \"get_weather\", \"parameters\": {\"location\": \"Paris\"}}", chunk);
        assertThat(t.names()).containsExactly("get_weather");
        assertThat(t.arguments().getFirst()).isEqualTo(json("{\"location\":\"Paris\"}"));
        assertThat(t.content()).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void llama3JsonWithoutANameStaysContent(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.LLAMA3, false, "{\"answer\": 42}", chunk);
        assertThat(t.names()).isEmpty();
        assertThat(t.content()).isEqualTo("{\"answer\": 42}");
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void deepSeekR1FencedJson(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.DEEPSEEK, false, "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n"
                + "{\"location\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>", chunk);
        assertThat(t.names()).containsExactly("get_weather");
        assertThat(t.arguments().getFirst()).isEqualTo(json("{\"location\":\"Paris\"}"));
        assertThat(t.content()).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void deepSeekV31NameSeparatorArguments(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.DEEPSEEK, false, "Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>"
                + "{\"location\": \"Paris\", \"unit\": \"celsius\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>", chunk);
        assertThat(t.content()).isEqualTo("Checking.");
        assertThat(t.arguments().getFirst()).isEqualTo(json("{\"location\":\"Paris\",\"unit\":\"celsius\"}"));
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void textThatOnlyLooksLikeAMarkerIsKept(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.HERMES, false, "if a < b and c <tool or <think", chunk);
        assertThat(t.content()).isEqualTo("if a < b and c <tool or <think");
        assertThat(t.names()).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunkSizes")
    void unterminatedCallAtTheEndIsStillACall(int chunk) throws Exception {
        Turn t = run(ToolCallFormat.HERMES, false, "<tool_call>\n{\"name\": \"ls\", \"arguments\": {\"path\": \".\"}}", chunk);
        assertThat(t.names()).containsExactly("ls");
        assertThat(t.arguments().getFirst()).isEqualTo(json("{\"path\":\".\"}"));
    }

    @org.junit.jupiter.api.Test
    void argumentsStreamInFragmentsAsTheyAreGenerated() throws Exception {
        Turn t = run(ToolCallFormat.HERMES, false, "<tool_call>{\"name\": \"write\", \"arguments\": {\"text\": \"a fairly long argument value\"}}</tool_call>", 1);
        assertThat(t.argumentFragments()).isGreaterThan(10);
    }
}
