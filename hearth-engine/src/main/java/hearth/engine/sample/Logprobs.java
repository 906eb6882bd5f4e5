package hearth.engine.sample;

import java.util.List;

/**
 * Log-probabilities of a sampled token and its top alternatives, from the raw logits (softmax over the full
 * vocabulary before any sampler step, as llama.cpp reports them).
 */
public record Logprobs(int token, float logprob, List<Alternative> top) {
    public record Alternative(int token, float logprob) {}

    /** Computes the chosen token's logprob and the {@code n} most likely tokens (descending). */
    public static Logprobs of(float[] logits, int vocab, int chosen, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[i] - max);
        float lse = (float) (max + Math.log(sum));
        int[] best = TopK.indices(logits, vocab, n);
        Alternative[] top = new Alternative[best.length];
        for (int i = 0; i < best.length; i++) top[i] = new Alternative(best[i], logits[best[i]] - lse);
        return new Logprobs(chosen, logits[chosen] - lse, List.of(top));
    }
}
