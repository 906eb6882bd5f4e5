package hearth.engine.sched;

import hearth.engine.Event;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.Usage;
import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.chat.parse.OutputParser;
import hearth.engine.kv.BlockTable;
import hearth.engine.sample.Logprobs;
import hearth.engine.sample.Sampler;
import hearth.engine.tokenizer.StreamingDecoder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One request inside the engine: its tokens (prompt, then generated), how many of them have K/V in the cache
 * ({@code computed}), its block table, sampler and text decoding state. Owned by the engine loop thread; only
 * {@link #cancel()} may be called from other threads.
 */
public final class Sequence {
    public enum Status { WAITING, RUNNING, FINISHED }

    final GenerateRequest request;
    final Consumer<Event> sink;
    final BlockTable table;
    final Sampler sampler;
    final StreamingDecoder decoder;
    final StopMatcher stopMatcher;
    final OutputParser parser; // null when the request wants raw text
    final int promptLength;
    int[] tokens;
    int length;
    int computed;
    int cachedTokens;
    int registeredBlocks; // full blocks indexed in the prefix cache
    long prefixHash;      // chain hash of those blocks
    Status status = Status.WAITING;
    private volatile boolean cancelled;

    final long submittedAt = System.nanoTime();
    long scheduledAt;
    long firstTokenAt;
    long lastTokenAt;

    Sequence(GenerateRequest request, Consumer<Event> sink, int blockSize, Sampler sampler, StreamingDecoder decoder) {
        this.request = request;
        this.sink = sink;
        this.table = new BlockTable(blockSize);
        this.sampler = sampler;
        this.decoder = decoder;
        this.stopMatcher = new StopMatcher(request.stop());
        GenerateRequest.Output o = request.output();
        this.parser = o.parses() ? new OutputParser(o.tools(), o.reasoning(), o.startInReasoning(), o.toolParameters()) : null;
        this.promptLength = request.prompt().length;
        this.tokens = Arrays.copyOf(request.prompt(), promptLength + Math.min(request.maxTokens(), 4096) + 1);
        this.length = promptLength;
        for (int t : request.prompt()) sampler.accept(t);
    }

    public String id() {
        return request.id();
    }

    /** Asks the engine to stop this sequence; its blocks are freed within one step. Safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    int generated() {
        return length - promptLength;
    }

    /** Tokens still to run through the model before the next token can be sampled. */
    int uncomputed() {
        return length - computed;
    }

    void append(int token) {
        if (length == tokens.length) tokens = Arrays.copyOf(tokens, tokens.length * 2);
        tokens[length++] = token;
        sampler.accept(token);
    }

    void emit(String text, int token, Logprobs lp) {
        List<ChatDelta> deltas = parser == null || text.isEmpty() ? List.of() : parser.feed(text);
        sink.accept(new Event.Token(text, new int[] {token}, lp == null ? List.of() : List.of(lp), deltas));
    }

    void finish(FinishReason reason, String stop) {
        if (parser != null) {
            List<ChatDelta> last = parser.finish();
            if (!last.isEmpty()) sink.accept(new Event.Token("", new int[0], List.of(), last));
        }
        status = Status.FINISHED;
        sink.accept(new Event.Done(reason, usage(), stop));
    }

    /** Text that belongs to no new token (held-back bytes released when a generation ends without one). */
    void emitText(String text) {
        if (!text.isEmpty()) sink.accept(new Event.Token(text, new int[0], List.of()));
    }

    Usage usage() {
        long first = firstTokenAt == 0 ? System.nanoTime() : firstTokenAt;
        long sched = scheduledAt == 0 ? first : scheduledAt;
        return new Usage(promptLength, generated(), cachedTokens, sched - submittedAt, first - sched,
                lastTokenAt == 0 ? 0 : lastTokenAt - first);
    }

}
