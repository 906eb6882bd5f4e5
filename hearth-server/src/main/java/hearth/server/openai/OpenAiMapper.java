package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.FinishReason;
import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.GenerateRequest;
import hearth.engine.grammar.Grammar;
import hearth.engine.sample.Logprobs;
import hearth.engine.sample.SamplingParams;
import hearth.engine.tokenizer.Tokenizer;
import hearth.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that spells OpenAI: request options to engine requests, and engine results to chat or text
 * completion bodies and stream chunks.
 */
public final class OpenAiMapper {
    private final String model;
    /** {@code --reasoning-format}: which of reasoning_content / reasoning carry thinking. */
    private final boolean reasoningContent;
    private final boolean reasoning;

    public OpenAiMapper(String model) {
        this(model, "reasoning_content");
    }

    public OpenAiMapper(String model, String reasoningFormat) {
        this.model = model;
        this.reasoningContent = reasoningFormat.equals("both") || reasoningFormat.equals("reasoning_content");
        this.reasoning = reasoningFormat.equals("both") || reasoningFormat.equals("reasoning");
    }

    /**
     * One API call: its id, creation time (epoch seconds), which shape it answers in, whether its output is parsed
     * into content, reasoning and tool calls (chat with tools or a thinking template), and the grammar it must follow
     * (null: none).
     */
    record Call(String id, long created, boolean chat, boolean logprobs, int topLogprobs, GenerateRequest.Output output,
                Grammar grammar) {
        Call(String id, long created, boolean chat, boolean logprobs, int topLogprobs, GenerateRequest.Output output) {
            this(id, created, chat, logprobs, topLogprobs, output, null);
        }

        boolean parsed() {
            return output.parses();
        }
    }

    // ---- requests ----

    GenerateRequest request(Call call, int choice, int[] prompt, GenerationOptions o, int maxTokens) {
        return new GenerateRequest(call.id() + "/" + choice, prompt, sampling(o, choice).withGrammar(call.grammar()), maxTokens, o.stop(), o.ignoreEos(),
                call.output());
    }

    /** llama-server's defaults for what the client left out; choice i of n draws with seed + i. */
    static SamplingParams sampling(GenerationOptions o, int choice) {
        SamplingParams d = SamplingParams.defaults();
        Map<Integer, Float> bias = new LinkedHashMap<>();
        o.logitBias().forEach((id, b) -> bias.put(id, b <= -100 ? Float.NEGATIVE_INFINITY : b.floatValue()));
        return new SamplingParams(
                o.temperature() != null ? o.temperature().floatValue() : d.temperature(),
                o.topK() != null ? o.topK() : d.topK(),
                o.topP() != null ? o.topP().floatValue() : d.topP(),
                o.minP() != null ? o.minP().floatValue() : d.minP(),
                o.repeatPenalty() != null ? o.repeatPenalty().floatValue() : d.repeatPenalty(),
                d.repeatLastN(),
                o.presencePenalty() != null ? o.presencePenalty().floatValue() : 0f,
                o.frequencyPenalty() != null ? o.frequencyPenalty().floatValue() : 0f,
                o.seed() != null ? o.seed() + choice : null,
                bias,
                o.logprobs() ? Math.max(1, o.topLogprobs()) : 0);
    }

    // ---- stream chunks ----

    /** The chunk for a token event, or null when it carries nothing to send (text held back, no logprobs). */
    Object delta(Call call, ChoiceState c, Event.Token t, Tokenizer tok, int offset) {
        boolean withLogprobs = call.logprobs() && !t.logprobs().isEmpty();
        if (call.chat()) {
            Wire.Delta delta = call.parsed() ? parsedDelta(t.deltas()) : t.text().isEmpty() ? Wire.Delta.EMPTY : new Wire.Delta(null, t.text(), null, null, null);
            if (delta.equals(Wire.Delta.EMPTY) && !withLogprobs) return null;
            Wire.ChatLogprobs lp = call.logprobs() ? chatLogprobs(t.logprobs(), tok, call.topLogprobs()) : null;
            return chatChunk(call, new Wire.ChunkChoice(null, c.index, delta, lp), null, null);
        }
        if (t.text().isEmpty() && !withLogprobs) return null;
        Wire.TextLogprobs lp = call.logprobs() ? textLogprobs(t.logprobs(), tok, call.topLogprobs(), offset) : null;
        return textBody(call, List.of(new Wire.TextChoice(t.text(), c.index, lp, null)), null, null);
    }

    /** Parsed pieces of one event as one OpenAI delta: content and reasoning joined, tool-call fragments listed. */
    private Wire.Delta parsedDelta(List<ChatDelta> deltas) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<Wire.ToolCall> calls = new ArrayList<>();
        for (ChatDelta d : deltas) {
            switch (d) {
                case ChatDelta.Content x -> content.append(x.text());
                case ChatDelta.Reasoning x -> reasoning.append(x.text());
                case ChatDelta.ToolCall x -> calls.add(new Wire.ToolCall(x.index(), x.id(), x.id() != null ? "function" : null,
                        new Wire.FunctionCall(x.name(), x.arguments())));
            }
        }
        String thought = reasoning.isEmpty() ? null : reasoning.toString();
        return new Wire.Delta(null, content.isEmpty() ? null : content.toString(), this.reasoningContent ? thought : null,
                this.reasoning ? thought : null,
                calls.isEmpty() ? null : calls);
    }

    /** The last chunk of a choice: its finish reason and an empty delta. */
    Object finish(Call call, ChoiceState c) {
        String reason = finishReason(c);
        if (call.chat()) return chatChunk(call, new Wire.ChunkChoice(reason, c.index, Wire.Delta.EMPTY, null), null, null);
        return textBody(call, List.of(new Wire.TextChoice("", c.index, null, reason)), null, null);
    }

    /** The chunk after all choices finished: no choices, the whole call's usage (and llama-server's timings). */
    Object usageChunk(Call call, Wire.Usage usage, Wire.Timings timings) {
        return call.chat() ? chatChunk(call, null, usage, timings) : textBody(call, List.of(), usage, timings);
    }

    private Wire.ChatChunk chatChunk(Call call, Wire.ChunkChoice choice, Wire.Usage usage, Wire.Timings timings) {
        return new Wire.ChatChunk(choice == null ? List.of() : List.of(choice), call.created(), call.id(), model,
                ServerConfig.FINGERPRINT, "chat.completion.chunk", usage, timings);
    }

    // ---- whole responses ----

    Object complete(Call call, List<ChoiceState> choices, Tokenizer tok, Wire.Usage usage, Wire.Timings timings) {
        if (call.chat()) {
            List<Wire.ChatChoice> out = new ArrayList<>();
            for (ChoiceState c : choices) {
                out.add(new Wire.ChatChoice(finishReason(c), c.index, message(c),
                        call.logprobs() ? chatLogprobs(c.logprobs, tok, call.topLogprobs()) : null));
            }
            return new Wire.ChatCompletion(out, call.created(), model, ServerConfig.FINGERPRINT, "chat.completion", usage, call.id(), timings);
        }
        List<Wire.TextChoice> out = new ArrayList<>();
        for (ChoiceState c : choices) {
            out.add(new Wire.TextChoice(c.text.toString(), c.index,
                    call.logprobs() ? textLogprobs(c.logprobs, tok, call.topLogprobs(), 0) : null, finishReason(c)));
        }
        return textBody(call, out, usage, timings);
    }

    private Wire.TextCompletion textBody(Call call, List<Wire.TextChoice> choices, Wire.Usage usage, Wire.Timings timings) {
        return new Wire.TextCompletion(choices, call.created(), model, ServerConfig.FINGERPRINT, "text_completion", usage, call.id(), timings);
    }

    static String finishReason(FinishReason r) {
        return r == FinishReason.LENGTH ? "length" : "stop";
    }

    /** "tool_calls" when the model stopped after calling tools, else stop / length. */
    static String finishReason(ChoiceState c) {
        if (!c.toolCalls.isEmpty() && c.done.reason() == FinishReason.STOP) return "tool_calls";
        return finishReason(c.done.reason());
    }

    /** The assistant message of a finished choice: content (null if empty beside tool calls), reasoning, tool calls. */
    private Wire.Message message(ChoiceState c) {
        List<Wire.ToolCall> calls = new ArrayList<>();
        for (ChoiceState.ToolCallState t : c.toolCalls) {
            calls.add(new Wire.ToolCall(null, t.id, "function", new Wire.FunctionCall(t.name, t.arguments.toString())));
        }
        String content = c.text.isEmpty() && !calls.isEmpty() ? null : c.text.toString();
        String thought = c.reasoning.isEmpty() ? null : c.reasoning.toString();
        return new Wire.Message("assistant", content, reasoningContent ? thought : null, reasoning ? thought : null,
                calls.isEmpty() ? null : calls);
    }

    static Wire.Usage usage(int prompt, int completion) {
        return new Wire.Usage(completion, prompt, prompt + completion);
    }

    /** llama-server's timings of one sequence: prefill of the uncached prompt tokens, then decoding. */
    static Wire.Timings timings(hearth.engine.Usage u) {
        int promptN = u.promptTokens() - u.cachedTokens();
        double promptMs = u.prefillNanos() / 1e6;
        int predictedN = u.completionTokens();
        double predictedMs = u.decodeNanos() / 1e6;
        return new Wire.Timings(promptN, promptMs, promptN == 0 ? 0 : promptMs / promptN, promptMs == 0 ? 0 : promptN * 1e3 / promptMs,
                predictedN, predictedMs, predictedN == 0 ? 0 : predictedMs / predictedN,
                predictedMs == 0 ? 0 : predictedN * 1e3 / predictedMs);
    }

    // ---- logprobs ----

    static Wire.ChatLogprobs chatLogprobs(List<Logprobs> lps, Tokenizer tok, int top) {
        List<Wire.TokenLogprob> content = new ArrayList<>(lps.size());
        for (Logprobs lp : lps) {
            List<Wire.TopLogprob> alts = new ArrayList<>();
            for (int i = 0; i < Math.min(top, lp.top().size()); i++) {
                Logprobs.Alternative a = lp.top().get(i);
                alts.add(new Wire.TopLogprob(piece(tok, a.token()), a.logprob(), bytes(tok, a.token())));
            }
            content.add(new Wire.TokenLogprob(piece(tok, lp.token()), lp.logprob(), bytes(tok, lp.token()), alts));
        }
        return new Wire.ChatLogprobs(content);
    }

    static Wire.TextLogprobs textLogprobs(List<Logprobs> lps, Tokenizer tok, int top, int offset) {
        List<String> tokens = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Map<String, Double>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        for (Logprobs lp : lps) {
            String piece = piece(tok, lp.token());
            tokens.add(piece);
            values.add((double) lp.logprob());
            Map<String, Double> alts = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(top, lp.top().size()); i++) {
                alts.putIfAbsent(piece(tok, lp.top().get(i).token()), (double) lp.top().get(i).logprob());
            }
            tops.add(alts);
            offsets.add(offset);
            offset += piece.length();
        }
        return new Wire.TextLogprobs(tokens, values, tops, offsets);
    }

    /** A token's text (control tokens as their spelling); bytes that are not UTF-8 on their own become U+FFFD. */
    static String piece(Tokenizer tok, int id) {
        return new String(tok.tokenBytes(id), StandardCharsets.UTF_8);
    }

    static int[] bytes(Tokenizer tok, int id) {
        byte[] b = tok.tokenBytes(id);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xFF;
        return out;
    }
}
