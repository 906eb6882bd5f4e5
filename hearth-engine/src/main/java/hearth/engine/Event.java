package hearth.engine;

import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.sample.Logprobs;
import java.util.List;

/**
 * What a generation emits, in order: any number of {@link Token}s, then exactly one {@link Done} or {@link Failed}.
 * Events are neutral: the API layers spell them as OpenAI chunks, Anthropic events or JSON bodies.
 */
public sealed interface Event {
    /**
     * Newly generated tokens and the text they complete. {@code text} may be empty while a UTF-8 character or a
     * possible stop string is incomplete; it never contains a stop string. {@code logprobs} has one entry per token
     * when the request asked for logprobs, else it is empty. {@code deltas} is the same text split into content,
     * reasoning and tool-call pieces when the request asked for output parsing (else empty); a final Token with no
     * tokens may carry the parser's last deltas just before {@link Done}.
     */
    record Token(String text, int[] tokens, List<Logprobs> logprobs, List<ChatDelta> deltas) implements Event {
        public Token(String text, int[] tokens, List<Logprobs> logprobs) {
            this(text, tokens, logprobs, List.of());
        }
    }

    /** The generation finished; {@code stopString} is the stop string that ended it, if any. */
    record Done(FinishReason reason, Usage usage, String stopString) implements Event {}

    /** The generation failed; other requests are unaffected. */
    record Failed(String message) implements Event {}
}
