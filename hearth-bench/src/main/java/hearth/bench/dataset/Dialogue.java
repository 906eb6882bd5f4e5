package hearth.bench.dataset;

import java.util.List;

/**
 * One record of a prompt file, normalised: its messages in order and, when the record says so, the output length
 * to ask for ({@code 0} when it does not).
 */
public record Dialogue(List<Message> messages, int outputTokens) {
    public Dialogue {
        messages = List.copyOf(messages);
    }

    /** Index of the last user message, or -1. */
    public int lastUser() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) return i;
        }
        return -1;
    }

    public long userTurns() {
        return messages.stream().filter(m -> m.role().equals("user")).count();
    }
}
