package hearth.server.openai;

import java.util.List;
import java.util.Map;

/**
 * A {@code POST /v1/chat/completions} body after validation. {@code messages} are template-ready maps (role, content
 * as a string with text parts already joined, plus tool fields passed through); {@code tools} is null when absent.
 */
public record ChatRequest(String model, List<Map<String, Object>> messages, List<Object> tools, boolean stream,
                          boolean includeUsage, GenerationOptions options) {}
