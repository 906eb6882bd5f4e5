package hearth.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An error the gateway itself answers, in OpenAI's shape
 * {@code {"error":{"message","type","param","code"}}}; {@code retryAfter} becomes a {@code Retry-After} header.
 */
public record ApiError(int status, String type, String message, String param, String code, Duration retryAfter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ApiError invalidRequest(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code, null);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "authentication_error", message, null, "invalid_api_key", null);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "permission_error", message, null, "tier_not_allowed", null);
    }

    public static ApiError notFound(String message, String code) {
        return new ApiError(404, "not_found_error", message, null, code, null);
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request body is larger than " + limit + " bytes", null,
                "request_too_large", null);
    }

    public static ApiError rateLimited(Duration retryAfter) {
        return new ApiError(429, "rate_limit_error", "rate limit exceeded for this API key", null,
                "rate_limit_exceeded", retryAfter);
    }

    public static ApiError unavailable(String message, Duration retryAfter) {
        return new ApiError(503, "server_error", message, null, "no_healthy_upstream", retryAfter);
    }

    public static ApiError badGateway(String message) {
        return new ApiError(502, "server_error", message, null, "upstream_error", null);
    }

    public GatewayException exception() {
        return new GatewayException(this);
    }

    public ObjectNode node() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return root;
    }

    public byte[] json() {
        return node().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Seconds for the {@code Retry-After} header, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    /** Thrown by handlers; the gateway's exception mapper writes it. */
    public static final class GatewayException extends RuntimeException {
        private final ApiError error;

        GatewayException(ApiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }
}
