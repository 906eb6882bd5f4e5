package hearth.bench.dataset;

import java.util.List;

/**
 * One request of a workload: the whole conversation so far (the last message is the new user turn), the estimated
 * prompt length in tokens (used when the server reports no {@code usage}) and the output length to ask for.
 */
public record Turn(List<Message> messages, int promptTokens, int outputTokens) {
    public Turn {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) throw new IllegalArgumentException("a turn needs at least one message");
        if (outputTokens < 1) throw new IllegalArgumentException("output tokens must be >= 1, got " + outputTokens);
    }

    /**
     * The conversation as one text for {@code /v1/completions}: a lone user message is sent as is, anything longer
     * as {@code role: content} paragraphs ending in an open {@code assistant:} so that a resent conversation keeps
     * its earlier text as an exact prefix.
     */
    public String promptText() {
        if (messages.size() == 1 && messages.getFirst().role().equals("user")) return messages.getFirst().content();
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) sb.append(m.role()).append(": ").append(m.content()).append("\n\n");
        return sb.append("assistant:").toString();
    }
}
