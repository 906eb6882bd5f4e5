package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.chat.parse.ChatDelta;
import hearth.engine.sample.Logprobs;
import java.util.ArrayList;
import java.util.List;

/** What one choice (one engine sequence) has produced so far. Used by the request's own thread only. */
final class ChoiceState {
    final int index;
    final int promptTokens;
    /** The answer text (with output parsing: the content part only). */
    final StringBuilder text = new StringBuilder();
    /** Thinking text, when output parsing split it off. */
    final StringBuilder reasoning = new StringBuilder();
    /** Tool calls found by output parsing, by index. */
    final List<ToolCallState> toolCalls = new ArrayList<>();
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

    /** Folds parsed deltas into the content, reasoning and tool calls of this choice. */
    void accept(List<ChatDelta> deltas) {
        for (ChatDelta d : deltas) {
            switch (d) {
                case ChatDelta.Content c -> text.append(c.text());
                case ChatDelta.Reasoning r -> reasoning.append(r.text());
                case ChatDelta.ToolCall t -> {
                    while (toolCalls.size() <= t.index()) toolCalls.add(new ToolCallState());
                    ToolCallState s = toolCalls.get(t.index());
                    if (t.id() != null) s.id = t.id();
                    if (t.name() != null) s.name = t.name();
                    if (t.arguments() != null) s.arguments.append(t.arguments());
                }
            }
        }
    }

    /** One tool call being assembled from deltas. */
    static final class ToolCallState {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }
}
