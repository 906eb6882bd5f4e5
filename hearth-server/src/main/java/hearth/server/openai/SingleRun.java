package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.grammar.Grammar;
import hearth.server.http.ApiError;
import hearth.server.http.ClientWatch;
import hearth.server.http.RequestLog;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * One parsed chat generation (one choice) for handlers that speak other wire formats (Anthropic messages, OpenAI
 * responses): the same checks, limits, metrics and request log as {@link Runner}, with the events handed to the caller
 * one at a time. Close it when done (cancels what is left, records the metrics).
 */
public final class SingleRun implements AutoCloseable {
    /** A finished tool call. */
    public record ToolCall(String id, String name, String arguments) {}

    private final Runner runner;
    private final Context ctx;
    private final RequestLog.Entry log;
    private final ChoiceState state;
    private final Generation generation;
    private final int promptTokens;
    private final boolean parsed;

    public SingleRun(Services s, Context ctx, String id, int[] prompt, GenerationOptions o, GenerateRequest.Output output,
                     Grammar grammar) {
        this.runner = new Runner(s);
        this.ctx = ctx;
        this.log = RequestLog.entry(ctx);
        log.id = id;
        log.model = s.backend().modelId();
        int contextSize = s.backend().contextSize();
        Runner.checkBias(o, s.backend().tokenizer().vocabularySize());
        runner.checkPrompt(prompt, contextSize, s.backend().tokenizer().vocabularySize(), "messages");
        this.promptTokens = prompt.length;
        this.parsed = output.parses();
        log.promptTokens = prompt.length;
        var call = new OpenAiMapper.Call(id, Ids.epochSeconds(), true, false, 0, output, grammar);
        this.state = new ChoiceState(0, prompt.length);
        this.generation = Generation.start(s.backend(), List.of(s.mapper().request(call, 0, prompt, o,
                runner.maxTokens(o.maxTokens(), prompt.length, contextSize))));
    }

    /**
     * The parsed pieces of the next token event (possibly none; unparsed output comes as content), or null once the
     * generation is done. A failed or cancelled generation throws the API error to answer with.
     */
    public List<ChatDelta> next() throws InterruptedException {
        if (state.finished()) return null;
        Generation.Item item = generation.take();
        runner.apply(item, List.of(state), parsed);
        return switch (item.event()) {
            case Event.Token t -> parsed ? t.deltas() : t.text().isEmpty() ? List.of() : List.of(new ChatDelta.Content(t.text()));
            case Event.Done d -> {
                if (d.reason() == FinishReason.CANCELLED) throw ApiError.unavailable("the generation was cancelled: the server is shutting down", "cancelled", 5);
                yield null;
            }
            case Event.Failed f -> throw Runner.failure(f.message());
        };
    }

    /**
     * Runs to the end; the answer is then in {@link #text()}, {@link #reasoning()}, {@link #toolCalls()}. A client that
     * goes away meanwhile cancels the generation at once (see {@link ClientWatch}).
     */
    public void finish() throws InterruptedException {
        try (ClientWatch watch = ClientWatch.start(ctx, generation::cancel)) {
            try {
                while (next() != null) { /* folding into the state */ }
            } catch (ApiError e) {
                throw watch.gone() ? watch.error() : e;
            }
            if (watch.gone()) throw watch.error();
        }
    }

    public String text() {
        return state.text.toString();
    }

    public String reasoning() {
        return state.reasoning.toString();
    }

    public List<ToolCall> toolCalls() {
        List<ToolCall> out = new ArrayList<>();
        for (ChoiceState.ToolCallState t : state.toolCalls) out.add(new ToolCall(t.id, t.name, t.arguments.toString()));
        return out;
    }

    /** How the generation ended (null while running). */
    public Event.Done done() {
        return state.done;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int completionTokens() {
        return state.tokens;
    }

    /** Stops the generation if still running (a client that went away) and records the metrics. */
    @Override
    public void close() {
        generation.cancel();
        runner.record(log, List.of(state), promptTokens);
    }
}
