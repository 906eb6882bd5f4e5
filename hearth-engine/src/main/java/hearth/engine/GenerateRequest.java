package hearth.engine;

import hearth.engine.sample.SamplingParams;
import java.util.List;

/**
 * One generation: prompt token ids (already templated and tokenised), sampling, and limits.
 *
 * @param maxTokens  most tokens to generate (the engine also stops at the context size)
 * @param stop       stop strings: matched across token boundaries, never part of the output
 * @param ignoreEos  keep generating past end-of-generation tokens (benchmarks)
 */
public record GenerateRequest(String id, int[] prompt, SamplingParams sampling, int maxTokens, List<String> stop, boolean ignoreEos) {
    public GenerateRequest {
        if (prompt == null || prompt.length == 0) throw new IllegalArgumentException("prompt must not be empty");
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0");
        stop = stop == null ? List.of() : List.copyOf(stop);
        sampling = sampling == null ? SamplingParams.defaults() : sampling;
    }

    public static GenerateRequest greedy(String id, int[] prompt, int maxTokens) {
        return new GenerateRequest(id, prompt, SamplingParams.GREEDY, maxTokens, List.of(), false);
    }
}
