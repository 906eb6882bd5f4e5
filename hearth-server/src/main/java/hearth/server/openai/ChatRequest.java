package hearth.server.openai;

import java.util.List;
import java.util.Map;

/**
 * A {@code POST /v1/chat/completions} body after validation. {@code messages} are template-ready maps (role, content
 * as a string with text parts already joined, plus tool fields passed through); {@code tools} is null when absent;
 * {@code toolChoice} is "none", "auto", "required", or null (absent); a choice naming one function is "required" with
 * {@code toolName} set. {@code responseFormat} is null for plain text; {@code reasoningEffort} reaches the template as
 * the variable {@code reasoning_effort}. {@code includeUsage} is validated and recorded;
 * the final usage chunk of a stream is sent either way, as llama-server does.
 */
public record ChatRequest(String model, List<Map<String, Object>> messages, List<Object> tools, String toolChoice,
                          String toolName, boolean parallelToolCalls, ResponseFormat responseFormat,
                          String reasoningEffort, boolean stream, boolean includeUsage, GenerationOptions options) {
    /** Tools were offered and the client did not forbid calling them. */
    public boolean toolsEnabled() {
        return tools != null && !tools.isEmpty() && !"none".equals(toolChoice);
    }

    /** The answer must be a tool call (tool_choice "required" or a named function). */
    public boolean toolCallRequired() {
        return toolsEnabled() && "required".equals(toolChoice);
    }

    /**
     * OpenAI's {@code response_format} beyond plain text: {@code json_object} (schema null: any object, or llama.cpp's
     * {@code schema} member) or {@code json_schema} (its {@code json_schema.schema}).
     */
    public record ResponseFormat(String type, Object schema) {}
}
