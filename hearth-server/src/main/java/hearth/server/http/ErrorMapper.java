package hearth.server.http;

import hearth.engine.EngineException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns anything a handler throws into an OpenAI error response. Client mistakes map to 4xx; only unexpected
 * exceptions become 500, are logged with their stack trace here, and reach the client as a bare message.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    public static ApiError map(Throwable t) {
        return switch (t) {
            case ApiError e -> e;
            case EngineException e -> fromEngine(e);
            case HttpResponseException e -> fromStatus(e.getStatus(), e.getMessage());
            default -> {
                LOG.error("unexpected failure while handling a request", t);
                yield ApiError.internal("internal server error (" + t.getClass().getSimpleName() + ")");
            }
        };
    }

    /** The engine's refusal kinds: TOO_LONG and INVALID are the client's, QUEUE_FULL is 429, UNAVAILABLE 503. */
    public static ApiError fromEngine(EngineException e) {
        return switch (e.kind()) {
            case TOO_LONG -> ApiError.badRequest(e.getMessage(), "messages", "context_length_exceeded");
            case INVALID -> ApiError.badRequest(e.getMessage(), null);
            case QUEUE_FULL -> ApiError.rateLimited(e.getMessage() + "; retry later", 1);
            case UNAVAILABLE -> ApiError.unavailable(e.getMessage(), "unavailable", 5);
        };
    }

    static ApiError fromStatus(int status, String message) {
        return switch (status) {
            case 404 -> ApiError.notFound(message, null, "not_found");
            case 405 -> new ApiError(405, ApiError.INVALID_REQUEST, message, null, "method_not_allowed", java.util.Map.of());
            case 413 -> ApiError.tooLarge(message);
            default -> status >= 500 ? ApiError.internal(message) : new ApiError(status, ApiError.INVALID_REQUEST, message, null, null, java.util.Map.of());
        };
    }

    public static void write(Context ctx, ApiError e) {
        e.headers().forEach(ctx::header);
        Bodies.json(ctx, e.status(), ctx.path().startsWith("/v1/messages") ? anthropic(e) : e.body());
    }

    /** Anthropic's error shape, for its routes: {@code {"type":"error","error":{"type":..,"message":..}}}. */
    public record AnthropicError(String type, AnthropicDetail error) {}

    public record AnthropicDetail(String type, String message) {}

    public static AnthropicError anthropic(ApiError e) {
        String type = switch (e.status()) {
            case 400, 405, 413 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            default -> "api_error";
        };
        return new AnthropicError("error", new AnthropicDetail(type, e.getMessage()));
    }

    /**
     * Javalin error handler for 404/405 answered by the router itself (no such route, wrong method): rewrites its plain
     * text into the JSON error shape. Responses a handler already wrote as JSON are left alone.
     */
    public static void unmatched(Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("application/json")) return;
        String message = ctx.statusCode() == 405
                ? "method " + ctx.method() + " is not allowed on " + ctx.path()
                : "no route " + ctx.method() + " " + ctx.path();
        write(ctx, fromStatus(ctx.statusCode(), message));
    }

    /** Javalin exception handler: maps and writes. */
    public static void handle(Exception e, Context ctx) {
        write(ctx, map(e));
    }
}
