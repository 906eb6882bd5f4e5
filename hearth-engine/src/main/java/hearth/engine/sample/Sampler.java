package hearth.engine.sample;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses tokens for one sequence. Holds the sequence's RNG (seeded: same seed, same prompt, same output) and the
 * history the penalties look at. Modifies the logits array it is given.
 */
public final class Sampler {
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

    public Sampler(SamplingParams params, int vocab) {
        this.p = params;
        this.vocab = vocab;
        this.rng = new SplittableRandom(params.seed() != null ? params.seed() : System.nanoTime() ^ Thread.currentThread().threadId());
        this.counts = new int[vocab];
        int n = params.repeatLastN() < 0 ? 1 << 16 : params.repeatLastN();
        this.window = new int[Math.max(n, 0)];
        this.cand = new int[vocab];
        this.prob = new float[vocab];
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

    /** Picks the next token from {@code logits[0 .. vocab)} (modified in place). */
    public int sample(float[] logits) {
        applyBiasAndPenalties(logits);
        if (p.greedy()) return argmax(logits);
        int n = filter(logits);
        return draw(n);
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
    private int filter(float[] logits) {
        int k = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        int n;
        if (k < vocab) {
            int[] idx = TopK.indices(logits, vocab, k);
            System.arraycopy(idx, 0, cand, 0, idx.length);
            n = idx.length;
        } else {
            n = sortedCandidates(logits);
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
