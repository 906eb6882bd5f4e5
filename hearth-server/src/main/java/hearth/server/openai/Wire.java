package hearth.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Response shapes of the OpenAI-compatible API, member order as llama-server writes them (see
 * {@code testdata/conformance/api-samples}). Null members are left out unless marked ALWAYS (e.g. a streamed
 * {@code finish_reason} is an explicit null until the last chunk).
 */
public final class Wire {
    private Wire() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatCompletion(List<ChatChoice> choices, long created, String model, String system_fingerprint,
                                 String object, Usage usage, String id, Timings timings) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatChoice(String finish_reason, int index, Message message, ChatLogprobs logprobs) {}

    /** An assistant message; {@code content} is always written (null when the turn is only tool calls). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Message(String role, String content,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String reasoning_content,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String reasoning,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<ToolCall> tool_calls) {}

    /** A tool call; in stream deltas {@code index} says which call a fragment continues, and only the first has id and name. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCall(Integer index, String id, String type, FunctionCall function) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(String name, String arguments) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatChunk(List<ChunkChoice> choices, long created, String id, String model, String system_fingerprint,
                            String object, Usage usage, Timings timings) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChunkChoice(@JsonInclude(JsonInclude.Include.ALWAYS) String finish_reason, int index, Delta delta,
                              ChatLogprobs logprobs) {}

    /** A streamed increment; empty (all null) in the final chunk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, String reasoning_content, String reasoning, List<ToolCall> tool_calls) {
        static final Delta EMPTY = new Delta(null, null, null, null, null);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TextCompletion(List<TextChoice> choices, long created, String model, String system_fingerprint,
                                 String object, Usage usage, String id, Timings timings) {}

    /** A text completion choice; {@code logprobs} and {@code finish_reason} are explicit nulls when absent (OpenAI). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TextChoice(String text, int index, TextLogprobs logprobs, String finish_reason) {}

    public record Usage(int completion_tokens, int prompt_tokens, int total_tokens) {}

    /** llama-server's timings: prompt = prefill of uncached prompt tokens, predicted = decoding. Milliseconds. */
    public record Timings(int prompt_n, double prompt_ms, double prompt_per_token_ms, double prompt_per_second,
                          int predicted_n, double predicted_ms, double predicted_per_token_ms, double predicted_per_second) {}

    /** Chat logprobs: one entry per generated token. */
    public record ChatLogprobs(List<TokenLogprob> content) {}

    public record TokenLogprob(String token, double logprob, int[] bytes, List<TopLogprob> top_logprobs) {}

    public record TopLogprob(String token, double logprob, int[] bytes) {}

    /** Text-completion logprobs (legacy shape): parallel lists, top alternatives as token -> logprob maps. */
    public record TextLogprobs(List<String> tokens, List<Double> token_logprobs, List<Map<String, Double>> top_logprobs,
                               List<Integer> text_offset) {}

    public record ModelList(String object, List<ModelCard> data) {}

    public record ModelCard(String id, String object, long created, String owned_by, ModelMeta meta) {}

    public record ModelMeta(String architecture, int n_vocab, int n_ctx_train, int n_embd, long size, int n_ctx) {}
}
