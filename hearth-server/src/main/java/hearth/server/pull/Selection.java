package hearth.server.pull;

import java.util.List;
import java.util.Optional;

/**
 * Which files of a repository to pull: one quantisation ({@code OWNER/REPO:QUANT}), files matching glob patterns
 * ({@code --include}, '*' also crosses '/'), or, with neither, the repository's only GGUF model, or its Q4_K_M one.
 */
public record Selection(Optional<String> quant, List<String> includes) {
    public Selection {
        includes = List.copyOf(includes);
    }

    public static Selection of(RepoRef ref, List<String> includes) {
        return new Selection(ref.quant(), includes == null ? List.of() : includes);
    }

    public static Selection quant(String q) {
        return new Selection(Optional.of(q), List.of());
    }

    public static Selection defaults() {
        return new Selection(Optional.empty(), List.of());
    }
}
