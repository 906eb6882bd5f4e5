package hearth.engine.chat.parse;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a model family writes tool calls in its output: the markers around a call and how the call inside is spelled.
 * Chosen from the chat template (what markup it renders for assistant tool calls) or by name ({@code --tool-parser}).
 */
public enum ToolCallFormat {
    /** No tool-call parsing: everything is content. */
    NONE(null, null, List.of(), p -> null),
    /** Hermes 2/3, Qwen2.5, Qwen3: {@code <tool_call>{"name":..,"arguments":{..}}</tool_call>}. */
    HERMES("<tool_call>", "</tool_call>", List.of(), p -> new CallParser.JsonObject()),
    /** Qwen3-Coder: {@code <tool_call><function=NAME><parameter=K>V</parameter></function></tool_call>}. */
    QWEN3_CODER("<tool_call>", "</tool_call>", List.of(), CallParser.KeyValue::qwen3Coder),
    /** GLM-4.5/4.6/4.7: {@code <tool_call>NAME<arg_key>K</arg_key><arg_value>V</arg_value></tool_call>}. */
    GLM45("<tool_call>", "</tool_call>", List.of(), CallParser.KeyValue::glm),
    /** Mistral: {@code [TOOL_CALLS][{...}]} or {@code [TOOL_CALLS]NAME[ARGS]{...}}, one marker per call. */
    MISTRAL("[TOOL_CALLS]", "[TOOL_CALLS]", List.of(), p -> new CallParser.MistralAuto()),
    /** Llama 3.x: a bare JSON object {@code {"name":..,"parameters":{..}}} as the whole answer, or after {@code <|python_tag|>}. */
    LLAMA3("<|python_tag|>", null, List.of(), p -> new CallParser.JsonObject()),
    /** DeepSeek R1/V3/V3.1: calls between {@code <｜tool▁call▁begin｜>} and {@code <｜tool▁call▁end｜>}. */
    DEEPSEEK("<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", List.of("<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>"), p -> new CallParser.DeepSeek());

    final String start;
    final String end;
    final List<String> wrappers;
    private final Function<ToolParameters, CallParser> parser;

    ToolCallFormat(String start, String end, List<String> wrappers, Function<ToolParameters, CallParser> parser) {
        this.start = start;
        this.end = end;
        this.wrappers = wrappers;
        this.parser = parser;
    }

    CallParser newParser(ToolParameters parameters) {
        return parser.apply(parameters);
    }

    /** The format by name (case-insensitive; aliases: qwen, qwen2.5 → hermes; glm, glm4.5 → glm45; …). */
    public static ToolCallFormat byName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[-_.]", "");
        return switch (n) {
            case "none", "off" -> NONE;
            case "hermes", "qwen", "qwen25", "qwen2", "qwen3" -> HERMES;
            case "qwen3coder" -> QWEN3_CODER;
            case "glm", "glm45", "glm46", "glm47", "glm4moe" -> GLM45;
            case "mistral", "devstral" -> MISTRAL;
            case "llama3", "llama31", "llama32", "llama33", "llama3json" -> LLAMA3;
            case "deepseek", "deepseekr1", "deepseekv3", "deepseekv31" -> DEEPSEEK;
            default -> throw new IllegalArgumentException("unknown tool-call parser '" + name
                    + "' (none, hermes, qwen3_coder, glm45, mistral, llama3, deepseek)");
        };
    }

    /** The format a chat template's own tool-call rendering uses; NONE when the template renders no tool calls. */
    public static ToolCallFormat detect(String template) {
        if (template == null) return NONE;
        if (template.contains("<function=") && template.contains("<parameter=")) return QWEN3_CODER;
        if (template.contains("<arg_key>")) return GLM45;
        if (template.contains("tool▁call▁begin")) return DEEPSEEK;
        if (template.contains("[TOOL_CALLS]")) return MISTRAL;
        if (template.contains("<tool_call>")) return HERMES;
        if (template.contains("<|python_tag|>") || template.contains("\"parameters\": ")) return LLAMA3;
        return NONE;
    }
}
