package hearth.server.backend.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a forwarded event stream on the side: counts {@code data:} events that carry output (one token each for
 * llama-server, about one for vLLM and SGLang) and picks up the {@code usage} object a final chunk may hold
 * ({@code stream_options.include_usage}), which then wins over the count.
 */
public final class SseTap implements UpstreamClient.Tap {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE = 1 << 20;
    /** A non-empty text delta or a tool call: an event that carries output (a role-only or empty chunk does not). */
    private static final java.util.regex.Pattern OUTPUT =
            java.util.regex.Pattern.compile("\"(content|text|reasoning_content)\"\\s*:\\s*\"[^\"]|\"tool_calls\"");

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private int events;
    private int promptTokens = -1;
    private int completionTokens = -1;

    @Override
    public void bytes(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else if (line.size() < MAX_LINE) {
                line.write(b[i]);
            }
        }
    }

    private void line(String l) {
        if (!l.startsWith("data:")) return;
        String data = l.substring(5).strip();
        if (data.isEmpty() || data.equals("[DONE]")) return;
        boolean usage = data.contains("\"usage\"");
        if (OUTPUT.matcher(data).find()) events++;
        if (!usage) return;
        try {
            JsonNode u = JSON.readTree(data).path("usage");
            if (u.isObject()) {
                promptTokens = u.path("prompt_tokens").asInt(promptTokens);
                completionTokens = u.path("completion_tokens").asInt(completionTokens);
            }
        } catch (IOException ignored) {
            // a line that is not JSON is the engine's business
        }
    }

    /** Prompt tokens from a usage chunk, or -1. */
    public int promptTokens() {
        return promptTokens;
    }

    /** Generated tokens: the usage chunk's count, else the number of output events. */
    public int completionTokens() {
        return completionTokens >= 0 ? completionTokens : events;
    }
}
