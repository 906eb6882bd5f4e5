package hearth.server.pull;

/**
 * A pull that cannot go on, with a message meant for the person at the terminal (what failed and what to do).
 * {@link Kind} lets callers tell "no network" (fall back to the cache) from errors that a retry will not fix.
 */
public final class HubException extends RuntimeException {
    public enum Kind {
        /** Repository, revision or file does not exist. */
        NOT_FOUND,
        /** 401/403: a token is missing, wrong, or has not been granted access to a gated repository. */
        UNAUTHORIZED,
        /** The hub cannot be reached (DNS, refused, timeout) or offline mode is on, and the cache cannot help. */
        OFFLINE,
        /** The hub answered something unusable (5xx, bad JSON, a redirect loop). */
        PROTOCOL,
        /** A downloaded file does not match the checksum the hub reports, after every retry. */
        INTEGRITY,
        /** The request itself is wrong (bad repo name, no file matches the selection). */
        INVALID,
        /** Writing to the cache or target directory failed. */
        IO
    }

    private final Kind kind;

    public HubException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HubException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
