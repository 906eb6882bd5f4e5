package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.chat.parse.OutputParser;
import hearth.engine.chat.parse.ToolCallFormat;
import hearth.engine.chat.parse.ToolParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forced calls in Qwen3-Coder and GLM-4.5 key/value markup: keys from the schema, bare strings, JSON for the rest. */
class KeyValueCallGrammarTest {
    static final Object WRITE = JsonSchemaGrammarTest.schema("""
            {"type":"object","properties":{"path":{"type":"string"},"mode":{"enum":["a","w"]},"lines":{"type":"integer"},
             "tags":{"type":"array","items":{"type":"string"}}},"required":["path","lines"]}""");
    static final List<ToolCallGrammar.Tool> TOOLS = List.of(new ToolCallGrammar.Tool("write_file", WRITE),
            new ToolCallGrammar.Tool("ping", null));

    private static final Grammar QWEN = ToolCallGrammar.forFormat(ToolCallFormat.QWEN3_CODER, TOOLS, false);
    private static final Grammar GLM = ToolCallGrammar.forFormat(ToolCallFormat.GLM45, TOOLS, false);

    static String qwen(String name, String... pairs) {
        StringBuilder sb = new StringBuilder("<tool_call>\n<function=").append(name).append(">\n");
        for (int i = 0; i < pairs.length; i += 2) sb.append("<parameter=").append(pairs[i]).append(">\n").append(pairs[i + 1]).append("\n</parameter>\n");
        return sb.append("</function>\n</tool_call>").toString();
    }

    static String glm(String name, String... pairs) {
        StringBuilder sb = new StringBuilder("<tool_call>").append(name).append("\n");
        for (int i = 0; i < pairs.length; i += 2) sb.append("<arg_key>").append(pairs[i]).append("</arg_key>\n<arg_value>").append(pairs[i + 1]).append("</arg_value>\n");
        return sb.append("</tool_call>").toString();
    }

    @Test
    void qwen3CoderCallsListTheSchemasParametersInOrder() {
        assertThat(QWEN.matches(qwen("write_file", "path", "src/a.py", "lines", "3"))).isTrue();
        assertThat(QWEN.matches(qwen("write_file", "path", "x", "mode", "w", "lines", "-2", "tags", "[\"a\", \"b\"]"))).isTrue();
        assertThat(QWEN.matches(qwen("write_file", "path", "x"))).as("lines is required").isFalse();
        assertThat(QWEN.matches(qwen("write_file", "lines", "3", "path", "x"))).as("schema order").isFalse();
        assertThat(QWEN.matches(qwen("write_file", "path", "x", "mode", "r", "lines", "3"))).as("not in the enum").isFalse();
        assertThat(QWEN.matches(qwen("write_file", "path", "x", "lines", "three"))).as("lines is JSON").isFalse();
        assertThat(QWEN.matches(qwen("write_file", "path", "x", "lines", "3", "force", "1"))).as("no other keys").isFalse();
        assertThat(QWEN.matches(qwen("delete_all"))).isFalse();
    }

    @Test
    void glmCallsSpellTheSameArgumentsWithArgKeysAndValues() {
        assertThat(GLM.matches(glm("write_file", "path", "src/a.py", "lines", "3"))).isTrue();
        assertThat(GLM.matches(glm("write_file", "path", "a", "mode", "a", "lines", "0", "tags", "[]"))).isTrue();
        assertThat(GLM.matches(glm("write_file", "lines", "3"))).isFalse();
        assertThat(GLM.matches(qwen("write_file", "path", "x", "lines", "3"))).isFalse();
    }

    @Test
    void bareTextMayHoldAnythingButTheClosingMarker() {
        String code = "if a < b:\n    print(\"</param\")\n<parameter";
        assertThat(QWEN.matches(qwen("write_file", "path", code, "lines", "1"))).isTrue();
        assertThat(QWEN.matches(qwen("write_file", "path", "<<x</parameter>", "lines", "1"))).isFalse();
        assertThat(QWEN.matches(qwen("write_file", "path", "ends with <", "lines", "1"))).isTrue();
        assertThat(GLM.matches(glm("write_file", "path", "a</arg_valu", "lines", "1"))).isTrue();
        assertThat(GLM.matches(glm("write_file", "path", "a</arg_value>b", "lines", "1"))).isFalse();
    }

    @Test
    void aToolWithoutPropertiesTakesAnyKeys() {
        assertThat(QWEN.matches(qwen("ping"))).isTrue();
        assertThat(QWEN.matches(qwen("ping", "host", "example.org", "count", "2"))).isTrue();
        assertThat(GLM.matches(glm("ping", "host name", "a b"))).isTrue();
        assertThat(GLM.matches(glm("ping", " host", "x"))).as("blanks around a key are lost when read back").isFalse();
    }

    @Test
    void boundedAndFormattedStringsStayBare() {
        Object schema = JsonSchemaGrammarTest.schema("""
                {"type":"object","properties":{"code":{"type":"string","minLength":2,"maxLength":3},"day":{"type":"string","format":"date"},
                 "kind":{"const":"x"}},"required":["code","day","kind"]}""");
        Grammar g = ToolCallGrammar.forFormat(ToolCallFormat.GLM45, List.of(new ToolCallGrammar.Tool("f", schema)), false);
        assertThat(g.matches(glm("f", "code", "ab", "day", "2024-02-29", "kind", "x"))).isTrue();
        assertThat(g.matches(glm("f", "code", "abcd", "day", "2024-02-29", "kind", "x"))).isFalse();
        assertThat(g.matches(glm("f", "code", "a<", "day", "2024-02-29", "kind", "x"))).isFalse();
        assertThat(g.matches(glm("f", "code", "ab", "day", "\"2024-02-29\"", "kind", "x"))).isFalse();
    }

    @Test
    void parallelCallsFollowOneAnother() {
        Grammar g = ToolCallGrammar.forFormat(ToolCallFormat.QWEN3_CODER, TOOLS, true);
        String one = qwen("write_file", "path", "a", "lines", "1");
        assertThat(g.matches(one + "\n" + qwen("ping"))).isTrue();
        assertThat(QWEN.matches(one + "\n" + qwen("ping"))).isFalse();
    }

    @Test
    void namesThatTheMarkupCannotHoldAreRefused() {
        Object bad = Map.of("type", "object", "properties", Map.of("a>b", Map.of("type", "string")));
        assertThatThrownBy(() -> ToolCallGrammar.forFormat(ToolCallFormat.QWEN3_CODER, List.of(new ToolCallGrammar.Tool("f", bad)), false))
                .isInstanceOf(GrammarException.class).hasMessageContaining("a>b");
        assertThatThrownBy(() -> ToolCallGrammar.forFormat(ToolCallFormat.GLM45, List.of(new ToolCallGrammar.Tool("f<x", null)), false))
                .isInstanceOf(GrammarException.class);
    }

    @Test
    void aSentenceIsReadBackAsArgumentsOfTheSchemasTypes() throws Exception {
        String text = qwen("write_file", "path", "42", "lines", "7", "tags", "[\"x\"]");
        assertThat(QWEN.matches(text)).isTrue();
        var args = JsonSchemaGrammarTest.JSON_MAPPER.readTree(call(ToolCallFormat.QWEN3_CODER, text)[1]);
        assertThat(args.get("path").isTextual()).as("a string parameter, even if it reads as a number").isTrue();
        assertThat(args.get("lines").isInt()).isTrue();
        assertThat(SubsetValidator.validate(args, WRITE)).isEmpty();
    }

    /** The one call the output parser reads from a text (name, arguments), knowing the tools' schemas. */
    static String[] call(ToolCallFormat format, String text) {
        OutputParser p = new OutputParser(format, null, false, parameters(TOOLS));
        List<ChatDelta> deltas = new ArrayList<>(p.feed(text));
        deltas.addAll(p.finish());
        String name = null;
        StringBuilder args = new StringBuilder();
        for (ChatDelta d : deltas) {
            if (d instanceof ChatDelta.ToolCall c) {
                if (c.name() != null) {
                    assertThat(name).as("one call").isNull();
                    name = c.name();
                }
                args.append(c.arguments() == null ? "" : c.arguments());
            } else {
                throw new AssertionError("not a call: " + d);
            }
        }
        return new String[] {name, args.toString()};
    }

    static ToolParameters parameters(List<ToolCallGrammar.Tool> tools) {
        Map<String, Object> m = new java.util.HashMap<>();
        for (ToolCallGrammar.Tool t : tools) if (t.parameters() != null) m.put(t.name(), t.parameters());
        return new ToolParameters(m);
    }
}
