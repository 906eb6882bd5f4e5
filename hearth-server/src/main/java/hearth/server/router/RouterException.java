package hearth.server.router;

/** Why the router cannot hand out a model now; the HTTP layer maps {@link Kind} to a status code. */
public final class RouterException extends RuntimeException {
    public enum Kind {
        /** No model has that name (404). */
        NOT_FOUND,
        /** The model is still loading after the request waited as long as it may (503 + Retry-After). */
        LOADING,
        /** Loading failed, or can never succeed within the limits (503; the message says why). */
        LOAD_FAILED,
        /** The model has requests in flight or is loading, so it cannot be unloaded now (409). */
        BUSY,
        /** The router is shutting down (503). */
        CLOSED
    }

    private final Kind kind;
    private final int retryAfterSeconds;

    public RouterException(Kind kind, String message, int retryAfterSeconds) {
        super(message);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    /** Seconds a client should wait before retrying (0 = retrying will not help by itself). */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
