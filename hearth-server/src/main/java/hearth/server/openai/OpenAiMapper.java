package hearth.server.openai;

import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
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

    public OpenAiMapper(String model) {
        this.model = model;
    }

    /** One API call: its id, creation time (epoch seconds), and which shape it answers in. */
    record Call(String id, long created, boolean chat, boolean logprobs, int topLogprobs) {}

    // ---- requests ----

    GenerateRequest request(Call call, int choice, int[] prompt, GenerationOptions o, int maxTokens) {
        return new GenerateRequest(call.id() + "/" + choice, prompt, sampling(o, choice), maxTokens, o.stop(), o.ignoreEos());
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

    Object delta(Call call, ChoiceState c, String text, List<Logprobs> lps, Tokenizer tok, int offset) {
        if (call.chat()) {
            Wire.ChatLogprobs lp = call.logprobs() ? chatLogprobs(lps, tok, call.topLogprobs()) : null;
            return chatChunk(call, new Wire.ChunkChoice(null, c.index, new Wire.Delta(null, text), lp), null, null);
        }
        Wire.TextLogprobs lp = call.logprobs() ? textLogprobs(lps, tok, call.topLogprobs(), offset) : null;
        return textBody(call, List.of(new Wire.TextChoice(text, c.index, lp, null)), null, null);
    }

    Object finish(Call call, ChoiceState c, Wire.Usage usage, Wire.Timings timings) {
        String reason = finishReason(c.done.reason());
        if (call.chat()) return chatChunk(call, new Wire.ChunkChoice(reason, c.index, new Wire.Delta(null, null), null), usage, timings);
        return textBody(call, List.of(new Wire.TextChoice("", c.index, null, reason)), usage, timings);
    }

    /** The extra last chunk of {@code stream_options.include_usage}: no choices, the whole call's usage. */
    Object usageChunk(Call call, Wire.Usage usage) {
        return call.chat() ? chatChunk(call, null, usage, null) : textBody(call, List.of(), usage, null);
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
                out.add(new Wire.ChatChoice(finishReason(c.done.reason()), c.index, new Wire.Message("assistant", c.text.toString()),
                        call.logprobs() ? chatLogprobs(c.logprobs, tok, call.topLogprobs()) : null));
            }
            return new Wire.ChatCompletion(out, call.created(), model, ServerConfig.FINGERPRINT, "chat.completion", usage, call.id(), timings);
        }
        List<Wire.TextChoice> out = new ArrayList<>();
        for (ChoiceState c : choices) {
            out.add(new Wire.TextChoice(c.text.toString(), c.index,
                    call.logprobs() ? textLogprobs(c.logprobs, tok, call.topLogprobs(), 0) : null, finishReason(c.done.reason())));
        }
        return textBody(call, out, usage, timings);
    }

    private Wire.TextCompletion textBody(Call call, List<Wire.TextChoice> choices, Wire.Usage usage, Wire.Timings timings) {
        return new Wire.TextCompletion(choices, call.created(), model, ServerConfig.FINGERPRINT, "text_completion", usage, call.id(), timings);
    }

    static String finishReason(FinishReason r) {
        return r == FinishReason.LENGTH ? "length" : "stop";
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
