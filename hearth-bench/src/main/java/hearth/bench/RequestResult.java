package hearth.bench;

/**
 * What one request did, with times in nanoseconds of {@link System#nanoTime()}.
 *
 * @param conversation index of the simulated client's conversation, {@code turn} the turn within it (0-based)
 * @param chunkNanos arrival time of every streamed chunk that carried generated text (the first one is the TTFT)
 * @param outputTokens from {@code usage.completion_tokens} when {@code outputFromUsage}, else the count of such chunks
 * @param promptTokens from {@code usage.prompt_tokens} when {@code promptFromUsage}, else the dataset's estimate
 * @param requestedTokens the output length asked for ({@code max_tokens})
 * @param cancelled true when the run's end cut it off (neither a success nor an error)
 * @param error {@code null} on success
 */
public record RequestResult(int conversation, int turn, long startNanos, long endNanos, long[] chunkNanos,
                            int outputTokens, boolean outputFromUsage, int promptTokens, boolean promptFromUsage,
                            int requestedTokens, String finishReason, boolean cancelled, RequestError error) {

    public boolean ok() {
        return error == null && !cancelled;
    }

    /** Time to first generated text in ns, or -1 when nothing streamed (non-streaming or failed). */
    public long ttftNanos() {
        return chunkNanos.length == 0 ? -1 : chunkNanos[0] - startNanos;
    }

    public long e2eNanos() {
        return endNanos - startNanos;
    }

    /**
     * vLLM's time per output token: (E2E - TTFT) / (output tokens - 1), in ns; NaN for fewer than two tokens
     * or no TTFT (those requests are left out of TPOT, as vLLM does).
     */
    public double tpotNanos() {
        long ttft = ttftNanos();
        if (outputTokens < 2 || ttft < 0) return Double.NaN;
        return (double) (e2eNanos() - ttft) / (outputTokens - 1);
    }
}
