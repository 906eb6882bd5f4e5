package hearth.bench.dataset;

/**
 * Estimates token counts of text without the server's tokenizer, from a tokens-per-character ratio. The ratio is
 * either the rule of thumb for English BPE vocabularies (about 4 characters a token) or measured once on a sample
 * with the server's {@code /tokenize}. Counts that matter for the metrics come from the server's {@code usage}.
 */
public record TokenEstimator(double tokensPerChar, boolean measured) {
    public static final double DEFAULT_TOKENS_PER_CHAR = 0.25;

    public TokenEstimator {
        if (!(tokensPerChar > 0)) throw new IllegalArgumentException("tokens per char must be > 0");
    }

    public static TokenEstimator heuristic() {
        return new TokenEstimator(DEFAULT_TOKENS_PER_CHAR, false);
    }

    /** The ratio measured from a sample text and the server's token count of it. */
    public static TokenEstimator measured(String sample, int tokens) {
        if (sample.isEmpty() || tokens <= 0) return heuristic();
        return new TokenEstimator((double) tokens / sample.length(), true);
    }

    public int estimate(String text) {
        return text.isEmpty() ? 0 : Math.max(1, (int) Math.round(text.length() * tokensPerChar));
    }

    /** Characters of text that make about {@code tokens} tokens. */
    public int charsFor(int tokens) {
        return (int) Math.round(tokens / tokensPerChar);
    }
}
