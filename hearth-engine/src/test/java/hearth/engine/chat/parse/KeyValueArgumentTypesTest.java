package hearth.engine.chat.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bare-text arguments of Qwen3-Coder and GLM-4.5 calls are typed by the tool's schema when the parser knows it. */
class KeyValueArgumentTypesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolParameters PARAMS = new ToolParameters(Map.of("f", Map.of("type", "object", "properties", Map.of(
            "zip", Map.of("type", "string"),
            "count", Map.of("type", "integer"),
            "mode", Map.of("enum", List.of("true", "false")),
            "note", Map.of("anyOf", List.of(Map.of("type", "string"), Map.of("type", "null")))))));

    private static JsonNode arguments(ToolCallFormat format, ToolParameters params, String output) throws Exception {
        OutputParser p = new OutputParser(format, null, false, params);
        List<ChatDelta> deltas = new ArrayList<>(p.feed(output));
        deltas.addAll(p.finish());
        StringBuilder args = new StringBuilder();
        for (ChatDelta d : deltas) if (d instanceof ChatDelta.ToolCall t) args.append(t.arguments());
        return JSON.readTree(args.toString());
    }

    private static String qwen(String... pairs) {
        StringBuilder sb = new StringBuilder("<tool_call>\n<function=f>\n");
        for (int i = 0; i < pairs.length; i += 2) sb.append("<parameter=").append(pairs[i]).append(">\n").append(pairs[i + 1]).append("\n</parameter>\n");
        return sb.append("</function>\n</tool_call>").toString();
    }

    @Test
    void aStringParameterKeepsTextThatLooksLikeJson() throws Exception {
        JsonNode a = arguments(ToolCallFormat.QWEN3_CODER, PARAMS, qwen("zip", "01234", "mode", "true", "count", "7"));
        assertThat(a.get("zip").isTextual()).isTrue();
        assertThat(a.get("zip").asText()).isEqualTo("01234");
        assertThat(a.get("mode").isTextual()).isTrue();
        assertThat(a.get("count").isInt()).isTrue();
    }

    @Test
    void withoutSchemasTheParserGuessesAsBefore() throws Exception {
        JsonNode a = arguments(ToolCallFormat.QWEN3_CODER, ToolParameters.NONE, qwen("zip", "1234", "count", "seven"));
        assertThat(a.get("zip").isInt()).isTrue();
        assertThat(a.get("count").asText()).isEqualTo("seven");
    }

    @Test
    void aParameterThatAlsoAdmitsOtherTypesReadsJsonStringsAsStrings() throws Exception {
        String glm = "<tool_call>f\n<arg_key>note</arg_key>\n<arg_value>\"hi \\\"you\\\"\"</arg_value>\n</tool_call>";
        assertThat(arguments(ToolCallFormat.GLM45, PARAMS, glm).get("note").asText()).isEqualTo("hi \"you\"");
        String bare = "<tool_call>f\n<arg_key>note</arg_key>\n<arg_value>plain words</arg_value>\n</tool_call>";
        assertThat(arguments(ToolCallFormat.GLM45, PARAMS, bare).get("note").asText()).isEqualTo("plain words");
        String nul = "<tool_call>f\n<arg_key>note</arg_key>\n<arg_value>null</arg_value>\n</tool_call>";
        assertThat(arguments(ToolCallFormat.GLM45, PARAMS, nul).get("note").isNull()).isTrue();
    }

    @Test
    void onlySchemasThatAdmitNothingButStringsAreText() {
        assertThat(ToolParameters.isText(Map.of("type", "string"))).isTrue();
        assertThat(ToolParameters.isText(Map.of("type", List.of("string")))).isTrue();
        assertThat(ToolParameters.isText(Map.of("enum", List.of("a", "b")))).isTrue();
        assertThat(ToolParameters.isText(Map.of("const", "a"))).isTrue();
        assertThat(ToolParameters.isText(Map.of("type", List.of("string", "null")))).isFalse();
        assertThat(ToolParameters.isText(Map.of("type", "string", "nullable", true))).isFalse();
        assertThat(ToolParameters.isText(Map.of("enum", List.of("a", 1)))).isFalse();
        assertThat(ToolParameters.isText(Map.of("$ref", "#/$defs/s"))).isFalse();
        assertThat(PARAMS.kind("f", "zip")).isEqualTo(ToolParameters.Kind.TEXT);
        assertThat(PARAMS.kind("f", "count")).isEqualTo(ToolParameters.Kind.JSON);
        assertThat(PARAMS.kind("f", "other")).isEqualTo(ToolParameters.Kind.UNKNOWN);
        assertThat(PARAMS.kind("g", "zip")).isEqualTo(ToolParameters.Kind.UNKNOWN);
    }
}
