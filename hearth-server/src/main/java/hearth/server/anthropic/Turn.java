package hearth.server.anthropic;

import hearth.engine.chat.parse.ChatDelta;
import java.util.List;

/**
 * One assistant turn as the Anthropic writer reads it, whoever generates it: Hearth's engine ({@link EngineTurn}) or
 * an OpenAI-compatible engine behind a forwarding backend ({@link UpstreamTurn}). The pieces are neutral
 * {@link ChatDelta}s; the totals are complete once {@link #next} returned null.
 */
interface Turn {
    /** A finished tool call (arguments: JSON text). */
    record Call(String id, String name, String arguments) {}

    /**
     * The pieces of the next event (possibly none), or null once the turn is over. Throws
     * {@link hearth.server.http.ApiError} when the generation fails.
     */
    List<ChatDelta> next() throws InterruptedException;

    /**
     * Runs the turn to its end without a client reading along (a whole, non-streamed answer). Hearth's engine watches
     * the idle connection meanwhile and cancels when the client hangs up.
     */
    default void finish() throws InterruptedException {
        while (next() != null) { /* the turn folds the pieces */ }
    }

    String text();

    String reasoning();

    List<Call> toolCalls();

    /** Anthropic's stop reason: end_turn, max_tokens, stop_sequence or tool_use. */
    String stopReason();

    /** The stop sequence that ended the turn, or null. */
    String stopSequence();

    /** Prompt tokens; -1 while not known yet (an upstream reports them at the end). */
    int inputTokens();

    int outputTokens();
}
