package hearth.bench.dataset;

/**
 * A sequence of requests sent one after another by one simulated client. Single-shot datasets are conversations of
 * one turn; the agent replay grows the conversation with each reply. Not shared between threads.
 */
public interface Conversation {
    /**
     * The next request given the server's reply to the previous one ({@code null} before the first turn, or when the
     * previous request failed), or {@code null} when the conversation is over.
     */
    Turn next(String previousReply);

    /** A conversation of exactly one turn. */
    static Conversation single(Turn turn) {
        return new Conversation() {
            private boolean sent;

            @Override
            public Turn next(String previousReply) {
                if (sent) return null;
                sent = true;
                return turn;
            }
        };
    }
}
