package hearth.bench.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * vLLM's {@code random} dataset in text form: prompts of {@code promptLen} tokens (fixed or a range), the first
 * {@code prefixLen} of which are a text shared by all prompts (to exercise prefix caches), asking for
 * {@code outputLen} tokens. Lengths in tokens are converted to characters with the {@link TokenEstimator}.
 */
public final class RandomWorkload implements Workload {
    private final LengthRange promptLen;
    private final LengthRange outputLen;
    private final int prefixLen;
    private final TokenEstimator tokens;
    private final long seed;
    private final String prefix;
    private final SplittableRandom rnd;

    public RandomWorkload(LengthRange promptLen, LengthRange outputLen, int prefixLen, TokenEstimator tokens, long seed) {
        if (outputLen.min() < 1) throw new IllegalArgumentException("output length must be >= 1");
        if (prefixLen < 0) throw new IllegalArgumentException("prefix length must be >= 0");
        this.promptLen = promptLen;
        this.outputLen = outputLen;
        this.prefixLen = prefixLen;
        this.tokens = tokens;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.prefix = prefixLen == 0 ? "" : Words.text(new SplittableRandom(seed ^ 0x5DEECE66DL), tokens.charsFor(prefixLen));
    }

    @Override
    public synchronized Conversation nextConversation() {
        SplittableRandom r = rnd.split();
        int len = Math.max(1, promptLen.sample(r));
        int own = Math.max(1, len - prefixLen);
        String text = Words.text(r, tokens.charsFor(own));
        if (!prefix.isEmpty()) text = prefix + " " + text;
        return Conversation.single(new Turn(List.of(Message.user(text)), tokens.estimate(text), outputLen.sample(r)));
    }

    @Override
    public String describe() {
        return "random prompt " + promptLen + (prefixLen > 0 ? " (shared prefix " + prefixLen + ")" : "") + " output " + outputLen;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", "random");
        p.put("prompt_len", promptLen.toString());
        p.put("output_len", outputLen.toString());
        p.put("prefix_len", prefixLen);
        p.put("tokens_per_char", tokens.tokensPerChar());
        p.put("tokens_per_char_measured", tokens.measured());
        p.put("seed", seed);
        return p;
    }
}
