package hearth.engine.sample;

import hearth.engine.grammar.Grammar;
import java.util.Map;

/**
 * How the next token is chosen. {@code temperature <= 0} is greedy. Filters apply in llama.cpp's default order:
 * logit bias, penalties, top-k, top-p, min-p, temperature, then a draw from the seeded RNG.
 *
 * @param topK          0 = off
 * @param topP          1 = off
 * @param minP          0 = off
 * @param repeatPenalty 1 = off; divides positive logits / multiplies negative ones of recently seen tokens
 * @param repeatLastN   how many recent tokens the penalties look at (-1 = all)
 * @param seed          null = a random seed per request
 * @param logitBias     token id -> added logit (-inf bans a token)
 * @param topLogprobs   how many alternatives to report per token (0 = none)
 * @param grammar       null = unconstrained; otherwise only tokens the grammar allows are sampled, and the
 *                      generation ends when the grammar is complete (see {@link hearth.engine.grammar})
 */
public record SamplingParams(
        float temperature, int topK, float topP, float minP,
        float repeatPenalty, int repeatLastN, float presencePenalty, float frequencyPenalty,
        Long seed, Map<Integer, Float> logitBias, int topLogprobs, Grammar grammar) {

    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L, Map.of(), 0);

    public SamplingParams {
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        if (topLogprobs < 0) throw new IllegalArgumentException("topLogprobs must be >= 0");
    }

    /** Unconstrained sampling (no grammar). */
    public SamplingParams(float temperature, int topK, float topP, float minP,
                          float repeatPenalty, int repeatLastN, float presencePenalty, float frequencyPenalty,
                          Long seed, Map<Integer, Float> logitBias, int topLogprobs) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed, logitBias, topLogprobs, null);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05. */
    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, null, Map.of(), 0);
    }

    public boolean greedy() {
        return temperature <= 0f;
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed, logitBias, topLogprobs, grammar);
    }

    public SamplingParams withSeed(Long s) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, s, logitBias, topLogprobs, grammar);
    }

    public SamplingParams withTopLogprobs(int n) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed, logitBias, n, grammar);
    }

    /** The same sampling constrained by a grammar (null removes the constraint). */
    public SamplingParams withGrammar(Grammar g) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed, logitBias, topLogprobs, g);
    }
}
