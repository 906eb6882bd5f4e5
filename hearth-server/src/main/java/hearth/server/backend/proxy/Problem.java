package hearth.server.backend.proxy;

/** A client mistake found before forwarding: becomes a 400 {@code invalid_request_error} naming {@code param}. */
public record Problem(String message, String param, String code) {
    static Problem of(String message, String param) {
        return new Problem(message, param, null);
    }
}
