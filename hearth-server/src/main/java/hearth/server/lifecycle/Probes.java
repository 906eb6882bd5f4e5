package hearth.server.lifecycle;

import hearth.server.http.Admission;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.ErrorMapper;
import hearth.server.openai.ModelSource;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Health endpoints (no authentication): {@code /health} in llama-server's shape (200 ok, 503 while loading or
 * draining), {@code /healthz} liveness (the process answers), {@code /readyz} readiness (loaded and admitting).
 */
public final class Probes {
    private final ModelSource backend;
    private final Admission admission;

    public Probes(ModelSource backend, Admission admission) {
        this.backend = backend;
        this.admission = admission;
    }

    public void health(Context ctx) {
        String state = state();
        if (state.equals("ready")) {
            Bodies.json(ctx, 200, Map.of("status", "ok"));
            return;
        }
        ErrorMapper.write(ctx, switch (state) {
            case "loading" -> ApiError.unavailable(backend.failure().map(f -> "Loading model: " + f).orElse("Loading model"), "loading", 5);
            case "failed" -> ApiError.unavailable("the model failed to load: " + backend.failure().orElse("?"), "load_failed", 60);
            default -> ApiError.unavailable("the server is shutting down", "draining", 5);
        });
    }

    public void healthz(Context ctx) {
        Bodies.json(ctx, 200, Map.of("status", "ok"));
    }

    public void readyz(Context ctx) {
        String state = state();
        Bodies.json(ctx, state.equals("ready") ? 200 : 503, Map.of("status", state));
    }

    /** ready, loading, failed, or draining (also once the backend is closed). */
    private String state() {
        if (admission.draining()) return "draining";
        return switch (backend.state()) {
            case READY -> "ready";
            case LOADING -> "loading";
            case FAILED -> "failed";
            case CLOSED -> "draining";
        };
    }
}
