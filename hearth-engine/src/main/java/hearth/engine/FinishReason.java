package hearth.engine;

/** Why a generation ended. */
public enum FinishReason {
    /** End-of-generation token or a stop string. */
    STOP,
    /** max tokens or the context size reached. */
    LENGTH,
    /** Cancelled by the caller (client gone, timeout, shutdown). */
    CANCELLED
}
