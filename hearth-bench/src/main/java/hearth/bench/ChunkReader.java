package hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads an OpenAI server-sent-event stream and keeps what the metrics need: the arrival time of every event that
 * carried generated text (completions {@code text}; chat {@code delta.content}, {@code reasoning_content} or
 * {@code tool_calls}), the text, the finish reason and the {@code usage} of the final chunk. Events without text
 * (the role-only first chat chunk, the finish-only last one) are not tokens and are not timed, so TTFT is the time
 * to the first generated text and ITL the gaps between text-bearing chunks.
 */
final class ChunkReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private long[] times = new long[64];
    private int chunks;
    private final StringBuilder text = new StringBuilder();
    private String finishReason;
    private int completionTokens = -1;
    private int promptTokens = -1;
    private boolean done;
    private RequestError error;

    /** Reads events until {@code [DONE]}, an error event or the end of the stream; I/O errors propagate. */
    void read(BufferedReader in) throws IOException {
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty() && !dispatch(data.toString(), System.nanoTime())) return;
                data.setLength(0);
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) data.append('\n');
                data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
            }
            // "event:", "id:", "retry:" and ":" comment lines carry nothing we measure
        }
        if (!data.isEmpty()) dispatch(data.toString(), System.nanoTime());
    }

    /** Handles one event's data; returns false when the stream is over ({@code [DONE]} or an error event). */
    boolean dispatch(String data, long nanos) {
        if (data.strip().equals("[DONE]")) {
            done = true;
            return false;
        }
        JsonNode ev;
        try {
            ev = JSON.readTree(data);
        } catch (IOException e) {
            error = new RequestError(ErrorKind.BAD_RESPONSE, 0, "event is not JSON: " + abbreviate(data));
            return false;
        }
        if (ev.hasNonNull("error")) {
            JsonNode err = ev.get("error");
            error = new RequestError(ErrorKind.STREAM_ERROR, 0, err.isTextual() ? err.textValue() : err.path("message").asText(err.toString()));
            return false;
        }
        JsonNode choices = ev.path("choices");
        if (choices.isArray() && !choices.isEmpty()) {
            JsonNode c = choices.get(0);
            String piece = piece(c);
            if (!piece.isEmpty() || c.path("delta").path("tool_calls").isArray()) {
                if (chunks == times.length) times = Arrays.copyOf(times, chunks * 2);
                times[chunks++] = nanos;
                text.append(piece);
            }
            if (c.hasNonNull("finish_reason")) finishReason = c.get("finish_reason").asText();
        }
        usage(ev.path("usage"));
        return true;
    }

    /** Reads a whole non-streaming response body. */
    void whole(String body) {
        JsonNode r;
        try {
            r = JSON.readTree(body);
        } catch (IOException e) {
            error = new RequestError(ErrorKind.BAD_RESPONSE, 0, "body is not JSON: " + abbreviate(body));
            return;
        }
        JsonNode c = r.path("choices").path(0);
        if (c.isMissingNode()) {
            error = new RequestError(ErrorKind.BAD_RESPONSE, 0, "no choices in response: " + abbreviate(body));
            return;
        }
        text.append(c.has("text") ? c.path("text").asText("") : c.path("message").path("content").asText(""));
        if (c.hasNonNull("finish_reason")) finishReason = c.get("finish_reason").asText();
        usage(r.path("usage"));
        done = true;
    }

    private void usage(JsonNode u) {
        if (!u.isObject()) return;
        if (u.path("completion_tokens").canConvertToInt()) completionTokens = u.get("completion_tokens").intValue();
        if (u.path("prompt_tokens").canConvertToInt()) promptTokens = u.get("prompt_tokens").intValue();
    }

    private static String piece(JsonNode c) {
        if (c.has("text")) return c.path("text").asText("");
        JsonNode d = c.path("delta");
        StringBuilder sb = new StringBuilder();
        for (String f : new String[] {"content", "reasoning_content", "reasoning"}) {
            if (d.path(f).isTextual()) sb.append(d.get(f).textValue());
        }
        return sb.toString();
    }

    static String abbreviate(String s) {
        String t = s.strip().replace('\n', ' ');
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    long[] chunkTimes() {
        return Arrays.copyOf(times, chunks);
    }

    int chunks() {
        return chunks;
    }

    String text() {
        return text.toString();
    }

    String finishReason() {
        return finishReason;
    }

    /** {@code usage.completion_tokens}, or -1 when the server sent no usage. */
    int completionTokens() {
        return completionTokens;
    }

    int promptTokens() {
        return promptTokens;
    }

    /** True once {@code [DONE]} arrived (or a whole body was read). */
    boolean done() {
        return done;
    }

    RequestError error() {
        return error;
    }
}
