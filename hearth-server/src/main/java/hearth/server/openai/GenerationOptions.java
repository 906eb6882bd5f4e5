package hearth.server.openai;

import java.util.List;
import java.util.Map;

/**
 * Sampling and limits shared by chat and text completions, as the client sent them (null = not given).
 *
 * @param logprobs    report log-probabilities of the chosen tokens
 * @param topLogprobs alternatives per token to report (0..20)
 * @param n           choices to generate per prompt
 * @param logitBias   token id -> bias, -100..100 (-100 bans the token)
 */
public record GenerationOptions(Integer maxTokens, Double temperature, Double topP, Integer topK, Double minP, Long seed,
                                List<String> stop, Double presencePenalty, Double frequencyPenalty, Double repeatPenalty,
                                Map<Integer, Double> logitBias, boolean logprobs, int topLogprobs, int n, String user,
                                boolean ignoreEos) {}
