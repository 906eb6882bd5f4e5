package hearth.server.router;

import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.sched.EngineLoop;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.http.Admission;
import hearth.server.http.ApiError;
import hearth.server.metrics.ServerMetrics;
import hearth.server.openai.ModelSource;
import hearth.server.openai.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Router mode for the HTTP server: each request's {@code model} is looked up in the catalog and leased from the
 * {@link ModelRouter} for as long as the request runs (so a streaming request keeps its model loaded). Errors are
 * API errors: unknown model 404, still loading 503 with Retry-After.
 */
public final class RouterModels implements ModelSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RouterModels.class);

    /** Builds the router once the server's configuration and metrics exist. */
    @FunctionalInterface
    public interface Factory {
        RouterModels create(ServerConfig config, ServerMetrics metrics);
    }

    private final ModelRouter<EmbeddedBackend> router;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    // Per loaded backend: its prompts (chat template) and mapper. Weak: an unloaded backend's entry goes with it.
    private final Map<EmbeddedBackend, Services> services = Collections.synchronizedMap(new WeakHashMap<>());

    RouterModels(ModelRouter<EmbeddedBackend> router, ServerConfig config, ServerMetrics metrics) {
        this.router = router;
        this.config = config;
        this.metrics = metrics;
        RouterMetrics.register(metrics.registry(), router);
    }

    /** A router over {@code router} (tests build it over their own loader). */
    public static Factory over(ModelRouter<EmbeddedBackend> router) {
        return (config, metrics) -> new RouterModels(router, config, metrics);
    }

    /**
     * The embedded engine for every model of {@code dir}: each loads with {@code defaults} (threads, context,
     * parallel, cache types; the model path is replaced) overridden by its preset. Reads the directory now, so that a
     * broken presets file stops the start with its message.
     */
    public static Factory embedded(Path dir, EngineConfig defaults, RouterLimits limits) {
        ModelRouter<EmbeddedBackend> router = new ModelRouter<>(() -> scan(dir), e -> load(e, defaults),
                e -> EngineSettings.estimate(e, EngineSettings.of(e, defaults)), limits);
        return over(router);
    }

    private static ModelCatalog scan(Path dir) {
        try {
            return ModelCatalog.scan(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the models directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedBackend load(CatalogEntry entry, EngineConfig defaults) throws IOException {
        Engine engine = Engine.load(EngineSettings.of(entry, defaults));
        engine.warmUpReport().ifPresent(w -> LOG.info("model '{}' warmed up: {}", entry.id(), w));
        return EmbeddedBackend.of(entry.id(), engine);
    }

    public ModelRouter<EmbeddedBackend> router() {
        return router;
    }

    public RouterHandlers handlers(Admission admission) {
        return new RouterHandlers(router, admission);
    }

    @Override
    public Scope open(String requested) {
        String name = requested;
        if (name == null || name.isBlank()) {
            List<CatalogEntry> all = router.catalog().entries();
            if (all.size() != 1) {
                throw ApiError.badRequest("'model' is required: this server routes " + all.size() + " models (GET /v1/models lists them)", "model",
                        "model_required");
            }
            name = all.getFirst().id();
        }
        ModelRouter<EmbeddedBackend>.Lease lease;
        try {
            lease = router.acquire(name);
        } catch (RouterException e) {
            throw toApiError(e);
        }
        Services s = services.computeIfAbsent(lease.backend(), b -> new Services(b, configFor(lease.entry()), metrics));
        return new Scope() {
            @Override
            public Services services() {
                return s;
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    /** The preset's chat template, if any (a file name is relative to the models directory). */
    private ServerConfig configFor(CatalogEntry entry) {
        Optional<String> t = entry.preset().chatTemplate();
        if (t.isEmpty()) return config;
        String v = t.get();
        boolean builtin = v.equals("chatml") || v.equals("llama3");
        return config.withChatTemplate(builtin ? v : router.catalog().root().resolve(v).toString());
    }

    static ApiError toApiError(RouterException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> ApiError.notFound(e.getMessage() + " (GET /v1/models lists the models here)", "model", "model_not_found");
            case LOADING -> ApiError.unavailable(e.getMessage(), "model_loading", Math.max(1, e.retryAfterSeconds()));
            case LOAD_FAILED -> ApiError.unavailable(e.getMessage(), "model_load_failed", e.retryAfterSeconds() > 0 ? e.retryAfterSeconds() : 30);
            case BUSY -> new ApiError(409, ApiError.INVALID_REQUEST, e.getMessage(), "model", "model_busy",
                    Map.of("Retry-After", String.valueOf(Math.max(1, e.retryAfterSeconds()))));
            case CLOSED -> ApiError.unavailable(e.getMessage(), "draining", 5);
        };
    }

    @Override
    public Backend.State state() {
        return Backend.State.READY;
    }

    @Override
    public Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public Map<String, EngineLoop.Stats> stats() {
        Map<String, EngineLoop.Stats> out = new LinkedHashMap<>();
        router.loaded().forEach((id, b) -> out.put(id, b.stats()));
        return out;
    }

    @Override
    public String defaultId() {
        return "";
    }

    @Override
    public void close() {
        router.close();
    }
}
