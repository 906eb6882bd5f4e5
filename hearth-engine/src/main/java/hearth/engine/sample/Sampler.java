package hearth.engine.sample;

import hearth.engine.grammar.TokenConstraint;
import hearth.engine.grammar.TokenIndex;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses tokens for one sequence. Holds the sequence's RNG (seeded: same seed, same prompt, same output) and the
 * history the penalties look at. Modifies the logits array it is given.
 *
 * <p>With a grammar ({@link SamplingParams#grammar()}) only tokens the grammar allows are chosen. Greedy: the best
 * token is checked first, then the next best few, and only if none fits is the whole vocabulary masked. Temperature:
 * the top-k candidates are checked one by one (the mask is applied to the candidate set after top-k); if none fits,
 * or there are too many to check, the full mask is applied before choosing candidates. The chosen token moves the
 * grammar state on. A lazy grammar that still waits for its trigger samples exactly as without a grammar (same
 * seed, same tokens), except that a token which would start the constrained part wrongly is dropped and another drawn.
 */
public final class Sampler {
    /** Returned by {@link #sample} when the grammar allows no token at all (the generation must end). */
    public static final int NO_TOKEN = -1;
    private static final int CHECK_ONE_BY_ONE = 256; // more candidates than this: use the vocabulary mask
    private static final int GREEDY_PROBES = 32;

    private final SamplingParams p;
    private final int vocab;
    private final SplittableRandom rng;
    private final int[] counts;      // occurrences of each token in the penalty window
    private final int[] window;      // ring buffer of the last repeatLastN tokens
    private int windowSize;
    private int windowStart;
    // scratch for candidate filtering
    private final int[] cand;
    private final float[] prob;
    private final TokenConstraint constraint; // null without a grammar

    public Sampler(SamplingParams params, int vocab) {
        this(params, vocab, null);
    }

    /**
     * @param tokens the vocabulary as the grammar sees it; required when {@code params} has a grammar, else unused
     */
    public Sampler(SamplingParams params, int vocab, TokenIndex tokens) {
        this.p = params;
        this.vocab = vocab;
        this.rng = new SplittableRandom(params.seed() != null ? params.seed() : System.nanoTime() ^ Thread.currentThread().threadId());
        this.counts = new int[vocab];
        int n = params.repeatLastN() < 0 ? 1 << 16 : params.repeatLastN();
        this.window = new int[Math.max(n, 0)];
        this.cand = new int[vocab];
        this.prob = new float[vocab];
        if (params.grammar() != null) {
            if (tokens == null) throw new IllegalArgumentException("a grammar needs the vocabulary's token index");
            this.constraint = new TokenConstraint(params.grammar(), tokens);
        } else {
            this.constraint = null;
        }
    }

    /** Whether a grammar constrains this sampler. */
    public boolean constrained() {
        return constraint != null;
    }

    /** The grammar state, or null without a grammar. */
    public TokenConstraint constraint() {
        return constraint;
    }

    public SamplingParams params() {
        return p;
    }

    /** Records a token (prompt or generated) in the penalty history. */
    public void accept(int token) {
        if (window.length == 0 || token < 0 || token >= vocab) return;
        if (windowSize == window.length) {
            counts[window[windowStart]]--;
            window[windowStart] = token;
            windowStart = (windowStart + 1) % window.length;
        } else {
            window[(windowStart + windowSize++) % window.length] = token;
        }
        counts[token]++;
    }

    /**
     * Picks the next token from {@code logits[0 .. vocab)} (modified in place). With a grammar the token is one the
     * grammar allows, and the grammar moves past it; {@link #NO_TOKEN} if the grammar allows none.
     */
    public int sample(float[] logits) {
        applyBiasAndPenalties(logits);
        if (constraint == null) return free(logits);
        if (constraint.waiting()) return beforeTrigger(logits);
        int token;
        if (p.greedy()) {
            token = constrainedArgmax(logits);
        } else {
            int n = filter(logits, true);
            token = n == 0 ? NO_TOKEN : draw(n);
        }
        if (token != NO_TOKEN) constraint.accept(token);
        return token;
    }

    /** Unconstrained choice. */
    private int free(float[] logits) {
        if (p.greedy()) return argmax(logits);
        return draw(filter(logits, false));
    }

    /**
     * A lazy grammar before its trigger: free choice, redrawn without the token in the rare case that it completes a
     * trigger followed by text the grammar rejects.
     */
    private int beforeTrigger(float[] logits) {
        while (true) {
            int token = free(logits);
            if (constraint.allows(token)) {
                constraint.accept(token);
                return token;
            }
            logits[token] = Float.NEGATIVE_INFINITY;
            if (logits[argmax(logits)] == Float.NEGATIVE_INFINITY) return NO_TOKEN;
        }
    }

    /** The best allowed token: the best few are checked in order before resorting to the vocabulary mask. */
    private int constrainedArgmax(float[] logits) {
        int best = argmax(logits);
        if (logits[best] == Float.NEGATIVE_INFINITY) return NO_TOKEN;
        if (constraint.allows(best)) return best;
        for (int t : TopK.indices(logits, vocab, GREEDY_PROBES)) {
            if (logits[t] == Float.NEGATIVE_INFINITY) return NO_TOKEN;
            if (constraint.allows(t)) return t;
        }
        constraint.mask(logits, vocab);
        best = argmax(logits);
        return logits[best] == Float.NEGATIVE_INFINITY ? NO_TOKEN : best;
    }

    private void applyBiasAndPenalties(float[] logits) {
        for (Map.Entry<Integer, Float> e : p.logitBias().entrySet()) {
            int t = e.getKey();
            if (t >= 0 && t < vocab) logits[t] += e.getValue();
        }
        boolean penalise = p.repeatPenalty() != 1f || p.presencePenalty() != 0f || p.frequencyPenalty() != 0f;
        if (!penalise || windowSize == 0) return;
        for (int i = 0; i < windowSize; i++) {
            int t = window[(windowStart + i) % window.length];
            int c = counts[t];
            if (c <= 0 || Float.isNaN(logits[t])) continue;
            // apply once per distinct token: mark by negating the count while we visit
            counts[t] = -c;
            float l = logits[t];
            l = l <= 0 ? l * p.repeatPenalty() : l / p.repeatPenalty();
            logits[t] = l - c * p.frequencyPenalty() - p.presencePenalty();
        }
        for (int i = 0; i < windowSize; i++) {
            int t = window[(windowStart + i) % window.length];
            if (counts[t] < 0) counts[t] = -counts[t];
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Applies top-k, top-p, min-p and temperature; leaves probabilities of the n survivors in prob/cand. */
    private int filter(float[] logits, boolean constrained) {
        int n = candidates(logits);
        if (constrained) {
            n = keepAllowed(logits, n);
            if (n == 0) {
                constraint.mask(logits, vocab);
                n = dropImpossible(logits, candidates(logits));
                if (n == 0) return 0;
            }
        }
        // softmax over the survivors (sorted descending)
        softmax(logits, n, 1f);
        if (p.topP() < 1f) {
            float cum = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                cum += prob[i];
                if (cum >= p.topP()) {
                    keep = i + 1;
                    break;
                }
            }
            n = Math.max(1, keep);
        }
        if (p.minP() > 0f) {
            float threshold = prob[0] * p.minP();
            int keep = 1;
            while (keep < n && prob[keep] >= threshold) keep++;
            n = keep;
        }
        softmax(logits, n, p.temperature());
        return n;
    }

    /** Top-k candidates, or all non-negligible ones without top-k, by descending logit. */
    private int candidates(float[] logits) {
        int k = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        if (k < vocab) {
            int[] idx = TopK.indices(logits, vocab, k);
            System.arraycopy(idx, 0, cand, 0, idx.length);
            return idx.length;
        }
        return sortedCandidates(logits);
    }

    /** Keeps the candidates the grammar allows (order kept); checks them one by one or, if many, via the mask. */
    private int keepAllowed(float[] logits, int n) {
        if (n > CHECK_ONE_BY_ONE) {
            constraint.mask(logits, vocab);
            return dropImpossible(logits, n);
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            int t = cand[i];
            if (logits[t] != Float.NEGATIVE_INFINITY && constraint.allows(t)) cand[m++] = t;
        }
        return m;
    }

    /** Removes candidates with a logit of negative infinity (banned or masked), keeping the order. */
    private int dropImpossible(float[] logits, int n) {
        int m = 0;
        for (int i = 0; i < n; i++) if (logits[cand[i]] != Float.NEGATIVE_INFINITY) cand[m++] = cand[i];
        return m;
    }

    /**
     * All tokens whose probability at this temperature is not negligible (within 40 nats of the best, < 1e-17
     * relative), sorted by descending logit; sorting packed (logit, index) longs avoids boxing 150k integers.
     */
    private int sortedCandidates(float[] logits) {
        float max = logits[argmax(logits)];
        float floor = max - 40f * Math.max(p.temperature(), 1e-3f);
        long[] packed = new long[vocab];
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (logits[i] >= floor) {
                int bits = Float.floatToIntBits(logits[i]);
                int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff; // monotone in the float value
                packed[n++] = ((long) ~sortable << 32) | i;         // ascending order of ~value = descending value
            }
        }
        Arrays.sort(packed, 0, n);
        for (int i = 0; i < n; i++) cand[i] = (int) packed[i];
        return n;
    }

    private void softmax(float[] logits, int n, float temperature) {
        float max = logits[cand[0]] / temperature;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(logits[cand[i]] / temperature - max);
            prob[i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) prob[i] /= (float) sum;
    }

    private int draw(int n) {
        double r = rng.nextDouble();
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += prob[i];
            if (r < cum) return cand[i];
        }
        return cand[n - 1];
    }
}
