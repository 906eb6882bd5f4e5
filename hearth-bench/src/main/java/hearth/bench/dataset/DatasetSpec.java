package hearth.bench.dataset;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The dataset as the command line describes it, built into a {@link Workload} once the token ratio is known.
 *
 * @param path prompt file for {@code FILE}, optional for {@code AGENT} (synthetic conversations without it)
 * @param outputLen output length; null when not given, so file records keep their own
 * @param prefixLen shared prefix of random prompts
 * @param systemLen shared system prompt of synthetic agent conversations
 * @param turns user turns per synthetic agent conversation
 * @param defaultOutput output length when neither the user nor the file gives one
 */
public record DatasetSpec(Kind kind, Path path, LengthRange promptLen, LengthRange outputLen, int prefixLen,
                          int systemLen, int turns, int defaultOutput) {
    public enum Kind { RANDOM, FILE, AGENT }

    public DatasetSpec {
        if (kind == Kind.FILE && path == null) throw new IllegalArgumentException("--dataset file needs --dataset-path");
        if (promptLen == null) promptLen = LengthRange.fixed(256);
    }

    public static DatasetSpec random(LengthRange promptLen, LengthRange outputLen) {
        return new DatasetSpec(Kind.RANDOM, null, promptLen, outputLen, 0, 0, 1, 128);
    }

    public Workload build(TokenEstimator tokens, long seed) throws IOException {
        LengthRange out = outputLen == null ? LengthRange.fixed(defaultOutput) : outputLen;
        return switch (kind) {
            case RANDOM -> new RandomWorkload(promptLen, out, prefixLen, tokens, seed);
            case FILE -> new FileWorkload(path, DialogueFile.read(path), outputLen, defaultOutput, tokens, seed);
            case AGENT -> path == null
                    ? AgentWorkload.synthetic(turns, systemLen, promptLen, out, tokens, seed)
                    : AgentWorkload.replay(path, DialogueFile.read(path), outputLen, defaultOutput, tokens, seed);
        };
    }
}
