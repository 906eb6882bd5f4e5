package hearth.bench;

/** A benchmark that cannot start or go on, with a message meant for the user as is. */
public final class BenchException extends Exception {
    public BenchException(String message) {
        super(message);
    }
}
