package hearth.server.openai;

import hearth.engine.sched.EngineLoop;
import hearth.server.backend.Backend;
import java.util.Map;
import java.util.Optional;

/**
 * Where an API request finds its model: {@link SingleModel} (one backend, the classic server) or the router
 * ({@code hearth.server.router.RouterModels}: many models, loaded on demand).
 */
public interface ModelSource extends AutoCloseable {
    /** A request's hold on its model; the model stays loaded until {@link #close}. */
    interface Scope extends AutoCloseable {
        Services services();

        @Override
        void close();
    }

    /**
     * The model {@code requested} names (null or empty: the default model, where there is one), held until the scope
     * is closed. Throws {@link hearth.server.http.ApiError} (404 unknown model, 503 loading) when it cannot.
     */
    Scope open(String requested);

    /** For the probes: a single model's state; a router is READY while it runs. */
    Backend.State state();

    Optional<String> failure();

    /** Engine counters of every loaded model, by id. */
    Map<String, EngineLoop.Stats> stats();

    /** The label of requests that name no model ({@code ""} when there are several). */
    String defaultId();

    /** Stops every model; unfinished generations end cancelled. */
    @Override
    void close();
}
