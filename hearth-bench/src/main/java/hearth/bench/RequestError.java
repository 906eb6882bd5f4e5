package hearth.bench;

/** A failed request: kind, HTTP status ({@code 0} when there was none) and the server's or the client's message. */
public record RequestError(ErrorKind kind, int status, String message) {
    public RequestError {
        message = message == null ? "" : message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    @Override
    public String toString() {
        return kind.label() + (status > 0 ? " HTTP " + status : "") + (message.isEmpty() ? "" : ": " + message);
    }
}
