package hearth.engine;

/**
 * A request the engine refuses. {@link Kind} tells the server which status to answer: TOO_LONG = 400 (prompt cannot
 * fit), QUEUE_FULL = 429, UNAVAILABLE = 503 (loading or shutting down).
 */
public final class EngineException extends RuntimeException {
    public enum Kind { TOO_LONG, QUEUE_FULL, UNAVAILABLE, INVALID }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
