package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.chat.parse.OutputParser;
import hearth.engine.chat.parse.ToolCallFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tool-call grammars: the name picks the argument schema, markers wrap the call, and the output parser reads it. */
class ToolCallGrammarTest {
    static final List<ToolCallGrammar.Tool> TOOLS = List.of(
            new ToolCallGrammar.Tool("get_weather", JsonSchemaGrammarTest.schema("""
                    {"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["c","f"]}},"required":["city"]}""")),
            new ToolCallGrammar.Tool("read_file", JsonSchemaGrammarTest.schema("""
                    {"type":"object","properties":{"path":{"type":"string"},"limit":{"type":"integer"}},"required":["path"]}""")));

    @Test
    void theCallNameDecidesTheArgumentSchema() {
        Grammar g = ToolCallGrammar.callObject(TOOLS, "arguments", JsonSchemaGrammar.Options.DEFAULT);
        assertThat(g.matches("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"unit\": \"c\"}}")).isTrue();
        assertThat(g.matches("{\"name\": \"read_file\", \"arguments\": {\"path\": \"a.txt\", \"limit\": 10}}")).isTrue();
        assertThat(g.matches("{\"name\": \"read_file\", \"arguments\": {\"city\": \"Oslo\"}}")).isFalse();
        assertThat(g.matches("{\"name\": \"delete_all\", \"arguments\": {}}")).isFalse();
        assertThat(g.matches("{\"arguments\": {\"path\": \"a\"}, \"name\": \"read_file\"}")).isFalse();
    }

    @Test
    void hermesCallsAreWrappedInTheirMarkers() {
        Grammar one = ToolCallGrammar.forFormat(ToolCallFormat.HERMES, TOOLS, false);
        String call = "<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"x\"}}\n</tool_call>";
        assertThat(one.matches(call)).isTrue();
        assertThat(one.matches(call + "\n" + call)).isFalse();
        assertThat(one.matches("{\"name\": \"read_file\", \"arguments\": {\"path\": \"x\"}}")).isFalse();
        Grammar parallel = ToolCallGrammar.forFormat(ToolCallFormat.HERMES, TOOLS, true);
        assertThat(parallel.matches(call + "\n" + call)).isTrue();
    }

    @Test
    void otherJsonFormatsHaveTheirOwnSpelling() {
        assertThat(ToolCallGrammar.forFormat(ToolCallFormat.LLAMA3, TOOLS, false)
                .matches("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}")).isTrue();
        assertThat(ToolCallGrammar.forFormat(ToolCallFormat.MISTRAL, TOOLS, true)
                .matches("[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}, {\"name\": \"read_file\", \"arguments\": {\"path\": \"/\"}}]")).isTrue();
        assertThat(ToolCallGrammar.forFormat(ToolCallFormat.DEEPSEEK, TOOLS, false)
                .matches("<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>read_file\n```json\n{\"path\": \"a\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>")).isTrue();
    }

    @Test
    void noFormatOrNoToolsHasNoGrammar() {
        assertThatThrownBy(() -> ToolCallGrammar.forFormat(ToolCallFormat.NONE, TOOLS, false)).isInstanceOf(GrammarException.class);
        assertThatThrownBy(() -> ToolCallGrammar.forFormat(ToolCallFormat.HERMES, List.of(), false)).isInstanceOf(GrammarException.class);
        assertThatThrownBy(() -> ToolCallGrammar.forFormat(ToolCallFormat.GLM45, List.of(), false)).isInstanceOf(GrammarException.class);
    }

    @Test
    void lazyToolGrammarsTriggerOnTheFormatsOpeningMarker() {
        assertThat(ToolCallGrammar.lazyForFormat(ToolCallFormat.HERMES, TOOLS, false).triggers()).containsExactly("<tool_call>");
        assertThat(ToolCallGrammar.lazyForFormat(ToolCallFormat.QWEN3_CODER, TOOLS, true).triggers()).containsExactly("<tool_call>");
        assertThat(ToolCallGrammar.lazyForFormat(ToolCallFormat.LLAMA3, TOOLS, false).triggers()).containsExactly("{\"name\"");
        assertThat(ToolCallGrammar.lazyForFormat(ToolCallFormat.MISTRAL, TOOLS, false).triggers()).containsExactly("[TOOL_CALLS]");
        assertThat(ToolCallGrammar.lazyForFormat(ToolCallFormat.DEEPSEEK, TOOLS, false).triggers()).containsExactly("<｜tool▁calls▁begin｜>");
    }

    @Test
    void wrapPutsLiteralTextAroundAnyGrammar() {
        Grammar g = ToolCallGrammar.wrap("<<", Grammar.parse("root ::= [0-9]+\nwrapped ::= \"clash\""), ">>");
        assertThat(g.matches("<<42>>")).isTrue();
        assertThat(g.matches("42")).isFalse();
        assertThat(g.matches("<<clash>>")).isFalse();
    }

    @Test
    void namedArgumentsFollowEachToolsSchema() {
        Grammar g = ToolCallGrammar.namedArguments(TOOLS, name -> name + "[ARGS]", "", JsonSchemaGrammar.Options.DEFAULT);
        assertThat(g.matches("read_file[ARGS]{\"path\": \"a\"}")).isTrue();
        assertThat(g.matches("get_weather[ARGS]{\"path\": \"a\"}")).isFalse();
    }

    @Test
    void recursiveDefinitionsInDifferentToolsStayApart() {
        var a = new ToolCallGrammar.Tool("a", JsonSchemaGrammarTest.schema("{\"$defs\":{\"v\":{\"type\":\"integer\"}},\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/v\"}},\"required\":[\"x\"]}"));
        var b = new ToolCallGrammar.Tool("b", JsonSchemaGrammarTest.schema("{\"$defs\":{\"v\":{\"type\":\"string\"}},\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/v\"}},\"required\":[\"x\"]}"));
        Grammar g = ToolCallGrammar.callObject(List.of(a, b), "arguments", JsonSchemaGrammar.Options.DEFAULT);
        assertThat(g.matches("{\"name\":\"a\",\"arguments\":{\"x\":1}}")).isTrue();
        assertThat(g.matches("{\"name\":\"b\",\"arguments\":{\"x\":\"s\"}}")).isTrue();
        assertThat(g.matches("{\"name\":\"b\",\"arguments\":{\"x\":1}}")).isFalse();
    }

    /** The tool calls the output parser reads from a text, as (name, arguments) pairs. */
    static List<String[]> parseCalls(ToolCallFormat format, String text) {
        OutputParser p = new OutputParser(format, null, false);
        List<ChatDelta> deltas = new ArrayList<>(p.feed(text));
        deltas.addAll(p.finish());
        List<String[]> calls = new ArrayList<>();
        for (ChatDelta d : deltas) {
            if (d instanceof ChatDelta.ToolCall c) {
                if (c.name() != null) calls.add(new String[] {c.name(), ""});
                calls.getLast()[1] += c.arguments() == null ? "" : c.arguments();
            }
        }
        return calls;
    }

    @Test
    void aSentenceOfTheHermesGrammarIsReadBackAsACall() {
        String text = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
        assertThat(ToolCallGrammar.forFormat(ToolCallFormat.HERMES, TOOLS, false).matches(text)).isTrue();
        List<String[]> calls = parseCalls(ToolCallFormat.HERMES, text);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst()[0]).isEqualTo("get_weather");
        assertThat(calls.getFirst()[1]).isEqualTo("{\"city\": \"Oslo\"}");
    }
}
