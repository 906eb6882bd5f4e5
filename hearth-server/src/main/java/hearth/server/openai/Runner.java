package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.tokenizer.Tokenizer;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.ClientWatch;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import hearth.server.http.SseWriter;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the generations of one chat or text completion call and answers it, as one JSON body or as an SSE stream.
 * Choices are prompts × n engine sequences. A client that disconnects has its sequences cancelled at once (streamed:
 * when a write fails; non-streamed: when {@link ClientWatch} notices).
 */
final class Runner {
    private final Services s;

    Runner(Services s) {
        this.s = s;
    }

    void run(Context ctx, OpenAiMapper.Call call, List<int[]> prompts, GenerationOptions o, boolean stream) {
        RequestLog.Entry log = RequestLog.entry(ctx);
        log.id = call.id();
        log.model = s.backend().modelId();
        int contextSize = s.backend().contextSize();
        int vocab = s.backend().tokenizer().vocabularySize();
        checkBias(o, vocab);
        List<GenerateRequest> requests = new ArrayList<>();
        List<ChoiceState> choices = new ArrayList<>();
        int promptTokens = 0;
        for (int p = 0; p < prompts.size(); p++) {
            int[] ids = prompts.get(p);
            checkPrompt(ids, contextSize, vocab, call.chat() ? "messages" : prompts.size() == 1 ? "prompt" : "prompt[" + p + "]");
            promptTokens += ids.length;
            for (int i = 0; i < o.n(); i++) {
                int index = requests.size();
                choices.add(new ChoiceState(index, ids.length));
                requests.add(s.mapper().request(call, index, ids, o, maxTokens(o.maxTokens(), ids.length, contextSize)));
            }
        }
        log.promptTokens = promptTokens;
        Generation g = Generation.start(s.backend(), requests);
        try {
            if (stream) stream(ctx, call, g, choices, promptTokens);
            else collect(ctx, call, g, choices, promptTokens);
        } catch (InterruptedException e) {
            g.cancel();
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("the request was interrupted", "interrupted", 1);
        } finally {
            g.cancel(); // no-op for finished sequences; frees the rest if we leave early
            record(log, choices, promptTokens);
        }
    }

    private void collect(Context ctx, OpenAiMapper.Call call, Generation g, List<ChoiceState> choices, int promptTokens)
            throws InterruptedException {
        int open = choices.size();
        try (ClientWatch watch = ClientWatch.start(ctx, g::cancel)) {
            while (open > 0) {
                if (apply(g.take(), choices, call.parsed()).finished()) open--;
            }
            if (watch.gone()) throw watch.error();
        }
        for (ChoiceState c : choices) {
            if (c.failure != null) throw failure(c.failure);
            if (c.done.reason() == FinishReason.CANCELLED) throw ApiError.unavailable("the generation was cancelled: the server is shutting down", "cancelled", 5);
        }
        Tokenizer tok = s.backend().tokenizer();
        Bodies.json(ctx, 200, s.mapper().complete(call, choices, tok, OpenAiMapper.usage(promptTokens, completion(choices)),
                choices.size() == 1 ? OpenAiMapper.timings(choices.getFirst().done.usage()) : null));
    }

    private void stream(Context ctx, OpenAiMapper.Call call, Generation g, List<ChoiceState> choices, int promptTokens)
            throws InterruptedException {
        Tokenizer tok = s.backend().tokenizer();
        SseWriter sse = new SseWriter(ctx.res());
        try {
            sse.open();
            int open = choices.size();
            while (open > 0) {
                Generation.Item item = g.take();
                ChoiceState c = choices.get(item.choice());
                int offset = c.pieceOffset;
                apply(item, choices, call.parsed());
                switch (item.event()) {
                    case Event.Token t -> {
                        Object chunk = s.mapper().delta(call, c, t, tok, offset);
                        if (chunk != null) sse.data(Json.write(chunk));
                    }
                    case Event.Done d -> {
                        open--;
                        sse.data(Json.write(s.mapper().finish(call, c)));
                    }
                    case Event.Failed f -> {
                        open--;
                        sse.data(Json.write(failure(f.message()).body()));
                    }
                }
            }
            // usage in its own last chunk with no choices (OpenAI's include_usage shape; llama-server sends it always,
            // and the official SDK's accumulator reads any chunk with usage as that final chunk)
            sse.data(Json.write(s.mapper().usageChunk(call, OpenAiMapper.usage(promptTokens, completion(choices)),
                    choices.size() == 1 && choices.getFirst().done != null ? OpenAiMapper.timings(choices.getFirst().done.usage()) : null)));
            sse.done();
        } catch (IOException clientGone) {
            g.cancel();
            RequestLog.entry(ctx).statusOverride = 499;
        }
    }

    /** Folds an event into its choice's state; feeds the token-rate and inter-token metrics. */
    ChoiceState apply(Generation.Item item, List<ChoiceState> choices, boolean parsed) {
        ChoiceState c = choices.get(item.choice());
        switch (item.event()) {
            case Event.Token t -> {
                if (c.lastNanos != 0) s.metrics().interTokenLatency(s.backend().modelId(), (item.nanos() - c.lastNanos) / 1e9);
                if (c.firstNanos == 0) c.firstNanos = item.nanos();
                c.lastNanos = item.nanos();
                c.tokens += t.tokens().length;
                if (parsed) c.accept(t.deltas());
                else c.text.append(t.text());
                c.logprobs.addAll(t.logprobs());
                for (int id : t.tokens()) c.pieceOffset += OpenAiMapper.piece(s.backend().tokenizer(), id).length();
                s.metrics().tokens(s.backend().modelId(), t.tokens().length, item.nanos());
            }
            case Event.Done d -> c.done = d;
            case Event.Failed f -> c.failure = f.message();
        }
        return c;
    }

    void record(RequestLog.Entry log, List<ChoiceState> choices, int promptTokens) {
        long first = 0;
        for (ChoiceState c : choices) if (c.firstNanos != 0 && (first == 0 || c.firstNanos < first)) first = c.firstNanos;
        log.outputTokens = completion(choices);
        double ttft = first == 0 ? Double.NaN : (first - log.startNanos) / 1e9;
        if (first != 0) log.ttftMillis = ttft * 1e3;
        s.metrics().generation(s.backend().modelId(), promptTokens, log.outputTokens, ttft, (System.nanoTime() - log.startNanos) / 1e9);
    }

    private static int completion(List<ChoiceState> choices) {
        int n = 0;
        for (ChoiceState c : choices) n += c.tokens;
        return n;
    }

    /** A failed sequence: the engine's own refusal of a request that cannot fit is the client's; anything else is ours. */
    static ApiError failure(String message) {
        if (message.startsWith("the request does not fit")) return ApiError.badRequest(message, "max_tokens", "context_length_exceeded");
        return ApiError.internal("generation failed: " + message);
    }

    void checkPrompt(int[] ids, int contextSize, int vocab, String param) {
        if (ids.length == 0) throw ApiError.badRequest("'" + param + "' is empty: nothing to complete", param);
        int limit = s.config().maxPromptTokens();
        if (limit > 0 && ids.length > limit) {
            throw ApiError.badRequest("the prompt has " + ids.length + " tokens, more than the limit of " + limit
                    + " (--max-prompt-tokens)", param, "context_length_exceeded");
        }
        if (ids.length >= contextSize) {
            throw ApiError.badRequest("the prompt has " + ids.length + " tokens but the context holds " + contextSize
                    + " (prompt + at least 1 generated token)", param, "context_length_exceeded");
        }
        for (int id : ids) {
            if (id < 0 || id >= vocab) throw ApiError.badRequest("token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")", param);
        }
    }

    static void checkBias(GenerationOptions o, int vocab) {
        for (int id : o.logitBias().keySet()) {
            if (id >= vocab) throw ApiError.badRequest("'logit_bias' names token " + id + ", outside the vocabulary (0.." + (vocab - 1) + ")", "logit_bias");
        }
    }

    /** The tokens a choice may generate: what was asked, within --max-new-tokens and the room left in the context. */
    int maxTokens(Integer requested, int promptLength, int contextSize) {
        long m = contextSize - promptLength;
        if (requested != null) m = Math.min(m, requested);
        if (s.config().maxNewTokens() > 0) m = Math.min(m, s.config().maxNewTokens());
        return (int) Math.max(0, m);
    }
}
