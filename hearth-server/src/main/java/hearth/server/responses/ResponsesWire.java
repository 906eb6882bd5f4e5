package hearth.server.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** OpenAI Responses API shapes: the response object, its output items, and stream events. */
final class ResponsesWire {
    private ResponsesWire() {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Response(String id, String object, long created_at, String status, String model, List<Item> output,
                    Usage usage, Incomplete incomplete_details, Object error, String instructions, List<Object> tools,
                    String tool_choice, boolean parallel_tool_calls, Double temperature, Double top_p, Object text, Object metadata) {}

    record Incomplete(String reason) {}

    record Usage(int input_tokens, InputDetails input_tokens_details, int output_tokens, OutputDetails output_tokens_details,
                 int total_tokens) {}

    record InputDetails(int cached_tokens) {}

    record OutputDetails(int reasoning_tokens) {}

    sealed interface Item permits MessageItem, FunctionCall, Reasoning {}

    record MessageItem(String type, String id, String status, String role, List<OutputText> content) implements Item {}

    record OutputText(String type, String text, List<Object> annotations) {
        OutputText(String text) {
            this("output_text", text, List.of());
        }
    }

    record FunctionCall(String type, String id, String call_id, String name, String arguments, String status) implements Item {}

    record Reasoning(String type, String id, List<Object> summary, List<ReasoningText> content) implements Item {}

    record ReasoningText(String type, String text) {}

    // ---- stream events: each carries its type and a running sequence number ----

    record ResponseEvent(String type, int sequence_number, Response response) {}

    record ItemEvent(String type, int sequence_number, int output_index, Item item) {}

    record PartEvent(String type, int sequence_number, String item_id, int output_index, int content_index, OutputText part) {}

    record TextDelta(String type, int sequence_number, String item_id, int output_index, int content_index, String delta,
                     List<Object> logprobs) {}

    record TextDone(String type, int sequence_number, String item_id, int output_index, int content_index, String text,
                    List<Object> logprobs) {}

    record ArgumentsDelta(String type, int sequence_number, String item_id, int output_index, String delta) {}

    record ArgumentsDone(String type, int sequence_number, String item_id, int output_index, String arguments) {}
}
