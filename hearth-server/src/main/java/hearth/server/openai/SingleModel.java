package hearth.server.openai;

import hearth.engine.sched.EngineLoop;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.http.ApiError;
import hearth.server.metrics.ServerMetrics;
import java.util.Map;
import java.util.Optional;

/** One backend serves every request; a request that names another model gets 404. */
public final class SingleModel implements ModelSource {
    private final EmbeddedBackend backend;
    private final Services services;
    private final Scope scope;

    public SingleModel(EmbeddedBackend backend, ServerConfig config, ServerMetrics metrics) {
        this.backend = backend;
        this.services = new Services(backend, config, metrics);
        this.scope = new Scope() {
            @Override
            public Services services() {
                return services;
            }

            @Override
            public void close() {}
        };
    }

    public EmbeddedBackend backend() {
        return backend;
    }

    public Services services() {
        return services;
    }

    @Override
    public Scope open(String requested) {
        String id = backend.modelId();
        if (requested == null || requested.isEmpty() || requested.equals(id) || requested.equals(id + ".gguf")) return scope;
        throw ApiError.notFound("the model '" + requested + "' does not exist; this server serves '" + id + "'", "model", "model_not_found");
    }

    @Override
    public Backend.State state() {
        return backend.state();
    }

    @Override
    public Optional<String> failure() {
        return backend.failure();
    }

    @Override
    public Map<String, EngineLoop.Stats> stats() {
        return Map.of(backend.modelId(), backend.stats());
    }

    @Override
    public String defaultId() {
        return backend.modelId();
    }

    @Override
    public void close() {
        backend.close();
    }
}
