package hearth.engine.gguf;

/** A GGUF file that cannot be used; the message names the file and what is wrong with it. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
