package hearth.engine;

/**
 * Token counts and timings of one generation. {@code cachedTokens}: prompt tokens served from the prefix cache.
 * Times in nanoseconds: queued = submit → first scheduled, prefill = first scheduled → first token, decode = first → last token.
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens, long queuedNanos, long prefillNanos, long decodeNanos) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Time to first token from submission, in nanoseconds. */
    public long ttftNanos() {
        return queuedNanos + prefillNanos;
    }

    public double prefillTokensPerSecond() {
        return prefillNanos <= 0 ? 0 : (promptTokens - cachedTokens) * 1e9 / prefillNanos;
    }

    public double decodeTokensPerSecond() {
        return decodeNanos <= 0 || completionTokens < 2 ? 0 : (completionTokens - 1) * 1e9 / decodeNanos;
    }
}
