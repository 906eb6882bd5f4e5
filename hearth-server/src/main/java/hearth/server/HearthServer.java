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
import hearth.server.openai.Services;
import hearth.server.openai.TokenHandlers;
import hearth.server.responses.ResponsesHandler;
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
    private final Backend backend;
    private final ServerMetrics metrics;
    private final Admission admission = new Admission();
    private final Auth auth;
    private final GracefulHandler graceful = new GracefulHandler();
    private final Javalin app;

    public HearthServer(ServerConfig config, Backend backend) {
        this.config = config;
        this.backend = backend;
        this.metrics = new ServerMetrics(backend.modelId(), backend::stats);
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
        routes(c, new Services(backend, config, metrics));
    }

    private void routes(JavalinConfig c, Services s) {
        Probes probes = new Probes(backend, admission);
        ChatHandler chat = new ChatHandler(s);
        CompletionHandler completions = new CompletionHandler(s);
        ModelHandlers models = new ModelHandlers(s);
        TokenHandlers tokens = new TokenHandlers(s);
        MessagesHandler messages = new MessagesHandler(s);
        ResponsesHandler responses = new ResponsesHandler(s);
        var r = c.routes;
        r.get("/health", probes::health);
        r.get("/healthz", probes::healthz);
        r.get("/readyz", probes::readyz);
        r.get("/metrics", guarded(this::metrics));
        r.get("/v1/models", guarded(models::list));
        r.get("/models", guarded(models::list));
        r.get("/v1/models/{id}", guarded(models::get));
        r.post("/v1/chat/completions", guarded(chat::handle));
        r.post("/chat/completions", guarded(chat::handle));
        r.post("/v1/completions", guarded(completions::handle));
        r.post("/completions", guarded(completions::handle));
        r.post("/v1/embeddings", guarded(models::embeddings));
        r.post("/embeddings", guarded(models::embeddings));
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
        metrics.request(e.statusOverride != 0 ? e.statusOverride : ctx.statusCode());
        RequestLog.log(ctx, millis);
    }

    /** Binds the port (the model may still be loading) and returns this server. */
    public HearthServer start() {
        app.start(config.host(), config.port());
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector ac) ac.setIdleTimeout(IDLE_TIMEOUT_MS);
        }
        LOG.info("listening on http://{}:{} (model '{}', {})", config.host(), port(), backend.modelId(),
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

    public Backend backend() {
        return backend;
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
        backend.close();
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
