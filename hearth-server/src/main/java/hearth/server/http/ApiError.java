package hearth.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A request the server answers with an OpenAI-shaped error: {@code {"error": {"message", "type", "param", "code"}}}.
 * Thrown anywhere below a handler; {@link ErrorMapper} writes it. Messages are for the client: never a stack trace.
 */
public final class ApiError extends RuntimeException {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String SERVER = "server_error";

    /** The JSON body. {@code param} and {@code code} are written as null when absent, as OpenAI does. */
    public record Body(Detail error) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {}

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, String> headers;

    public ApiError(int status, String type, String message, String param, String code, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, INVALID_REQUEST, message, param, null, Map.of());
    }

    public static ApiError badRequest(String message, String param, String code) {
        return new ApiError(400, INVALID_REQUEST, message, param, code, Map.of());
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, AUTHENTICATION, message, null, "invalid_api_key", Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ApiError notFound(String message, String param, String code) {
        return new ApiError(404, NOT_FOUND, message, param, code, Map.of());
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, INVALID_REQUEST, message, null, "request_too_large", Map.of());
    }

    public static ApiError rateLimited(String message, int retryAfterSeconds) {
        return new ApiError(429, RATE_LIMIT, message, null, "queue_full", Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public static ApiError unavailable(String message, String code, int retryAfterSeconds) {
        return new ApiError(503, SERVER, message, null, code, Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public static ApiError internal(String message) {
        return new ApiError(500, SERVER, message, null, "internal_error", Map.of());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Body body() {
        return new Body(new Detail(getMessage(), type, param, code));
    }
}
