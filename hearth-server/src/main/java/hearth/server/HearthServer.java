package hearth.server;

import hearth.server.anthropic.MessagesHandler;
import hearth.server.backend.Backend;
import hearth.server.http.Admission;
import hearth.server.http.Auth;
import hearth.server.http.ErrorMapper;
import hearth.server.http.RequestLog;
import hearth.server.lifecycle.Probes;
import hearth.server.metrics.ServerMetrics;
import hearth.server.openai.ChatHandler;
import hearth.server.openai.CompletionHandler;
import hearth.server.openai.ModelHandlers;
import hearth.server.openai.ModelSource;
import hearth.server.openai.SingleModel;
import hearth.server.openai.TokenHandlers;
import hearth.server.responses.ResponsesHandler;
import hearth.server.router.RouterModels;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: one route table, authentication and admission around every API route, errors in OpenAI shape.
 * Handlers run on virtual threads; generation events reach them through per-request queues.
 */
public final class HearthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HearthServer.class);
    /** Idle time before Jetty drops a connection; long, because a non-streamed generation writes nothing until done. */
    private static final long IDLE_TIMEOUT_MS = Duration.ofMinutes(10).toMillis();

    /** How long Jetty waits on stop for responses still being written. */
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final ServerConfig config;
    private final ModelSource models;
    private final ServerMetrics metrics;
    private final Admission admission = new Admission();
    private final Auth auth;
    private final GracefulHandler graceful = new GracefulHandler();
    private final Javalin app;

    /** A server for one model. */
    public HearthServer(ServerConfig config, Backend backend) {
        this.config = config;
        this.metrics = new ServerMetrics(backend.modelId(), () -> java.util.Map.of(backend.modelId(), backend.stats()));
        this.models = new SingleModel(backend, config, metrics);
        this.auth = new Auth(config.apiKeys());
        this.app = Javalin.create(this::configure);
    }

    /** Router mode: many models, loaded on demand ({@link RouterModels#create}). */
    public HearthServer(ServerConfig config, RouterModels.Factory router) {
        this.config = config;
        // the gauges read the models at scrape time, after both exist
        java.util.concurrent.atomic.AtomicReference<ModelSource> source = new java.util.concurrent.atomic.AtomicReference<>();
        this.metrics = new ServerMetrics("", () -> source.get().stats());
        this.models = router.create(config, metrics);
        source.set(models);
        this.auth = new Auth(config.apiKeys());
        this.app = Javalin.create(this::configure);
    }

    private void configure(JavalinConfig c) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.concurrency.useVirtualThreads = true;
        c.http.compressionStrategy = CompressionStrategy.NONE;
        c.http.prefer405over404 = true;
        c.router.ignoreTrailingSlashes = true;
        c.requestLogger.http(this::logRequest);
        // tracks requests until their response is complete, so that close() can wait for the last bytes to go out
        c.jetty.modifyServer(server -> server.setHandler(graceful));
        c.routes.exception(Exception.class, ErrorMapper::handle);
        c.routes.error(404, ErrorMapper::unmatched);
        c.routes.error(405, ErrorMapper::unmatched);
        routes(c);
    }

    private void routes(JavalinConfig c) {
        Probes probes = new Probes(models, admission);
        ChatHandler chat = new ChatHandler(models, config);
        CompletionHandler completions = new CompletionHandler(models, config);
        ModelHandlers modelHandlers = new ModelHandlers(models, config);
        TokenHandlers tokens = new TokenHandlers(models, config);
        MessagesHandler messages = new MessagesHandler(models, config);
        ResponsesHandler responses = new ResponsesHandler(models, config);
        var r = c.routes;
        r.get("/health", probes::health);
        r.get("/healthz", probes::healthz);
        r.get("/readyz", probes::readyz);
        r.get("/metrics", guarded(this::metrics));
        if (models instanceof RouterModels router) {
            var admin = router.handlers(admission);
            r.get("/v1/models", guarded(admin::list));
            r.get("/models", guarded(admin::list));
            r.get("/v1/models/{id}", guarded(admin::get));
            r.post("/models/load", guarded(admin::load));
            r.post("/models/unload", guarded(admin::unload));
            // a long-lived stream: authenticated, but it holds no admission ticket (drain must not wait for it)
            r.get("/models/events", ctx -> {
                auth.check(ctx);
                admin.events(ctx);
            });
        } else {
            r.get("/v1/models", guarded(modelHandlers::list));
            r.get("/models", guarded(modelHandlers::list));
            r.get("/v1/models/{id}", guarded(modelHandlers::get));
        }
        r.post("/v1/chat/completions", guarded(chat::handle));
        r.post("/chat/completions", guarded(chat::handle));
        r.post("/v1/completions", guarded(completions::handle));
        r.post("/completions", guarded(completions::handle));
        r.post("/v1/embeddings", guarded(modelHandlers::embeddings));
        r.post("/embeddings", guarded(modelHandlers::embeddings));
        r.post("/tokenize", guarded(tokens::tokenize));
        r.post("/detokenize", guarded(tokens::detokenize));
        r.post("/apply-template", guarded(tokens::applyTemplate));
        r.post("/v1/messages", guarded(messages::handle));
        r.post("/v1/messages/count_tokens", guarded(messages::countTokens));
        r.post("/v1/responses", guarded(responses::handle));
        r.post("/responses", guarded(responses::handle));
    }

    /** Authentication, then admission (503 while draining), held until the handler returns. */
    private Handler guarded(Handler h) {
        return ctx -> {
            auth.check(ctx);
            try (Admission.Ticket ignored = admission.enter()) {
                h.handle(ctx);
            }
        };
    }

    private void metrics(Context ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        metrics.write(out);
        ctx.status(200).contentType(ServerMetrics.CONTENT_TYPE).result(out.toByteArray());
    }

    private void logRequest(Context ctx, Float millis) {
        RequestLog.Entry e = RequestLog.entry(ctx);
        metrics.request(e.model, e.statusOverride != 0 ? e.statusOverride : ctx.statusCode());
        RequestLog.log(ctx, millis);
    }

    /** Binds the port (the model may still be loading) and returns this server. */
    public HearthServer start() {
        app.start(config.host(), config.port());
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector ac) ac.setIdleTimeout(IDLE_TIMEOUT_MS);
        }
        LOG.info("listening on http://{}:{} ({}, {})", config.host(), port(),
                models instanceof RouterModels r ? "router over " + r.router().catalog().root() : "model '" + models.defaultId() + "'",
                auth.enabled() ? "API key required" : "no API key");
        return this;
    }

    public int port() {
        return app.port();
    }

    public URI baseUri() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    public Admission admission() {
        return admission;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** The model of a single-model server. */
    public Backend backend() {
        if (models instanceof SingleModel single) return single.backend();
        throw new IllegalStateException("a router serves several models");
    }

    public ModelSource models() {
        return models;
    }

    /** Stops admitting and waits up to {@code grace} for requests in flight; true if they all finished. */
    public boolean drain(Duration grace) {
        admission.startDraining();
        try {
            return admission.awaitIdle(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the engine (unfinished generations are cancelled, their handlers answer at once), waits for responses
     * still being written to complete, and stops the HTTP server.
     */
    @Override
    public void close() {
        admission.startDraining();
        models.close();
        try {
            graceful.shutdown().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("responses still being written after {} ms; closing their connections", STOP_TIMEOUT_MS);
        }
        app.stop();
    }
}
