package hearth.server.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Anthropic Messages API response and stream-event shapes. */
final class MessagesWire {
    private MessagesWire() {}

    /** A whole message; {@code stop_reason} and {@code stop_sequence} are explicit nulls while streaming. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Message(String id, String type, String role, String model, List<Block> content, String stop_reason,
                   String stop_sequence, Usage usage) {}

    record Usage(int input_tokens, int output_tokens) {}

    record CountTokens(int input_tokens) {}

    /** A content block. */
    sealed interface Block permits Text, Thinking, ToolUse {}

    record Text(String type, String text) implements Block {
        Text(String text) {
            this("text", text);
        }
    }

    record Thinking(String type, String thinking, String signature) implements Block {
        Thinking(String thinking) {
            this("thinking", thinking, "");
        }
    }

    record ToolUse(String type, String id, String name, Object input) implements Block {
        ToolUse(String id, String name, Object input) {
            this("tool_use", id, name, input);
        }
    }

    // ---- stream events ----

    record MessageStart(String type, Message message) {}

    record Ping(String type) {}

    record BlockStart(String type, int index, Block content_block) {}

    record BlockDelta(String type, int index, Delta delta) {}

    /** text_delta, thinking_delta or input_json_delta: exactly one of the strings is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String type, String text, String thinking, String partial_json) {}

    record BlockStop(String type, int index) {}

    record MessageDelta(String type, StopDelta delta, OutputUsage usage) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StopDelta(String stop_reason, String stop_sequence) {}

    /** {@code input_tokens} only where message_start could not know them (a forwarding backend's stream). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OutputUsage(Integer input_tokens, int output_tokens) {}

    record MessageStop(String type) {}
}
