package hearth.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.engine.chat.parse.ChatDelta;
import hearth.server.http.ApiError;
import hearth.server.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A turn an OpenAI-compatible engine generates: its chat completion (one JSON body, or {@code chat.completion.chunk}
 * events) read back into neutral pieces. Thinking comes as {@code reasoning_content} (llama-server, vLLM) or
 * {@code reasoning}; prompt tokens from the usage the engine reports (a stream asks for it with
 * {@code stream_options.include_usage}).
 */
final class UpstreamTurn implements Turn {
    private final InputStream body;
    private final boolean stream;
    private final List<String> stopSequences;
    private BufferedReader lines;
    private boolean over;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<StringBuilder[]> calls = new ArrayList<>(); // id, name, arguments
    private String finishReason;
    private String stopReason; // vLLM's matched stop string
    private int inputTokens = -1;
    private int outputTokens = -1;
    private int events;

    /** @param stopSequences the request's stop strings (to tell a stop sequence from the end of the turn) */
    UpstreamTurn(InputStream body, boolean stream, List<String> stopSequences) {
        this.body = body;
        this.stream = stream;
        this.stopSequences = stopSequences;
    }

    @Override
    public List<ChatDelta> next() throws InterruptedException {
        if (over) return null;
        try {
            if (!stream) {
                over = true;
                JsonNode r = Json.mapper().readTree(body);
                usage(r.path("usage"));
                JsonNode choice = r.path("choices").path(0);
                return choice(choice, choice.path("message"));
            }
            if (lines == null) lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith("data:")) continue;
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) break;
                if (data.isEmpty()) continue;
                JsonNode chunk = Json.mapper().readTree(data);
                if (chunk.has("error")) throw upstreamError(chunk.path("error").path("message").asText("the engine reported an error"));
                usage(chunk.path("usage"));
                JsonNode choice = chunk.path("choices").path(0);
                if (choice.isMissingNode()) continue; // the usage chunk
                events++;
                return choice(choice, choice.path("delta"));
            }
            over = true;
            body.close();
            return null;
        } catch (IOException e) {
            over = true;
            throw upstreamError("the engine broke off its answer: " + e.getMessage());
        }
    }

    private static ApiError upstreamError(String message) {
        return new ApiError(502, ApiError.SERVER, message, null, "upstream_error", java.util.Map.of());
    }

    private void usage(JsonNode u) {
        if (!u.isObject()) return;
        inputTokens = u.path("prompt_tokens").asInt(inputTokens);
        outputTokens = u.path("completion_tokens").asInt(outputTokens);
    }

    /** One choice's message or delta as pieces, folded into the totals as well. */
    private List<ChatDelta> choice(JsonNode choice, JsonNode m) {
        if (choice.hasNonNull("finish_reason")) finishReason = choice.get("finish_reason").asText();
        if (choice.path("stop_reason").isTextual()) stopReason = choice.get("stop_reason").asText();
        List<ChatDelta> out = new ArrayList<>();
        String thinking = m.hasNonNull("reasoning_content") ? m.get("reasoning_content").asText() : m.path("reasoning").asText("");
        if (!thinking.isEmpty()) {
            reasoning.append(thinking);
            out.add(new ChatDelta.Reasoning(thinking));
        }
        String content = m.path("content").isTextual() ? m.get("content").asText() : "";
        if (!content.isEmpty()) {
            text.append(content);
            out.add(new ChatDelta.Content(content));
        }
        JsonNode tcs = m.path("tool_calls");
        for (int i = 0; i < tcs.size(); i++) {
            JsonNode tc = tcs.get(i);
            int index = tc.has("index") ? tc.get("index").asInt() : calls.size();
            boolean first = index >= calls.size();
            while (calls.size() <= index) calls.add(new StringBuilder[] {new StringBuilder(), new StringBuilder(), new StringBuilder()});
            StringBuilder[] c = calls.get(index);
            String id = tc.path("id").asText(null);
            String name = tc.path("function").path("name").asText(null);
            String args = tc.path("function").path("arguments").asText("");
            if (id != null && c[0].isEmpty()) c[0].append(id);
            if (name != null && c[1].isEmpty()) c[1].append(name);
            c[2].append(args);
            out.add(new ChatDelta.ToolCall(index, first ? c[0].isEmpty() ? "toolu_" + index : c[0].toString() : null,
                    first ? c[1].toString() : null, args));
        }
        return out;
    }

    @Override
    public String text() {
        return text.toString();
    }

    @Override
    public String reasoning() {
        return reasoning.toString();
    }

    @Override
    public List<Call> toolCalls() {
        List<Call> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            StringBuilder[] c = calls.get(i);
            out.add(new Call(c[0].isEmpty() ? "toolu_" + i : c[0].toString(), c[1].toString(), c[2].toString()));
        }
        return out;
    }

    @Override
    public String stopReason() {
        if ("length".equals(finishReason)) return "max_tokens";
        if (!calls.isEmpty() || "tool_calls".equals(finishReason)) return "tool_use";
        return stopSequence() != null ? "stop_sequence" : "end_turn";
    }

    @Override
    public String stopSequence() {
        return stopReason != null && stopSequences.contains(stopReason) ? stopReason : null;
    }

    @Override
    public int inputTokens() {
        return over || !stream ? inputTokens : -1;
    }

    @Override
    public int outputTokens() {
        return outputTokens >= 0 ? outputTokens : events;
    }
}
