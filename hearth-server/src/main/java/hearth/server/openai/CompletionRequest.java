package hearth.server.openai;

import java.util.List;

/**
 * A {@code POST /v1/completions} body after validation: one or more prompts, each text or token ids. {@code includeUsage}
 * is recorded; the final usage chunk of a stream is sent either way.
 */
public record CompletionRequest(String model, List<Prompt> prompts, boolean stream, boolean includeUsage,
                                GenerationOptions options) {
    /** One prompt: text (tokenised with BOS and special-token parsing) or token ids used as given. */
    public sealed interface Prompt {
        record Text(String text) implements Prompt {}

        record Tokens(int[] ids) implements Prompt {}
    }
}
