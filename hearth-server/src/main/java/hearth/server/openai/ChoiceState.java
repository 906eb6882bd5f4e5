package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.sample.Logprobs;
import java.util.ArrayList;
import java.util.List;

/** What one choice (one engine sequence) has produced so far. Used by the request's own thread only. */
final class ChoiceState {
    final int index;
    final int promptTokens;
    final StringBuilder text = new StringBuilder();
    final List<Logprobs> logprobs = new ArrayList<>();
    int tokens;
    /** Characters of token pieces seen so far: the text offset of the next token (text-completion logprobs). */
    int pieceOffset;
    long firstNanos;
    long lastNanos;
    Event.Done done;
    String failure;

    ChoiceState(int index, int promptTokens) {
        this.index = index;
        this.promptTokens = promptTokens;
    }

    boolean finished() {
        return done != null || failure != null;
    }
}
