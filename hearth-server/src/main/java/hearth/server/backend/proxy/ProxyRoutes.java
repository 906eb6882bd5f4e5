package hearth.server.backend.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.backend.ForwardingBackend;
import hearth.server.backend.ProcessBackend;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.http.RequestLog;
import hearth.server.metrics.ServerMetrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API routes of a {@link ForwardingBackend}: each request is checked here (body size, model, token cap,
 * image fields), forwarded to the engine, and counted in Hearth's metrics and request log. Paths without
 * {@code /v1} go to the engine's {@code /v1} path (vLLM and SGLang only know those).
 */
public final class ProxyRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRoutes.class);

    private final ForwardingBackend backend;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Counter upstreamErrors;

    public ProxyRoutes(ForwardingBackend backend, ServerConfig config, ServerMetrics metrics) {
        this.backend = backend;
        this.config = config;
        this.metrics = metrics;
        String model = backend.modelId();
        upstreamErrors = Counter.builder().name("hearth_upstream_errors").help("Requests the engine could not answer (unreachable, timed out, broken stream)")
                .labelNames("model", "upstream").register(metrics.registry());
        GaugeWithCallback.builder().name("hearth_engine_up").help("1 while the engine is ready, else 0")
                .labelNames("model", "upstream").callback(cb -> cb.call(backend.state() == Backend.State.READY ? 1 : 0, model, upstream()))
                .register(metrics.registry());
        if (backend instanceof ProcessBackend p) {
            CounterWithCallback.builder().name("hearth_engine_restarts").help("Times the engine's processes were started again")
                    .labelNames("model", "upstream").callback(cb -> cb.call(p.supervisor().restarts(), model, upstream()))
                    .register(metrics.registry());
        }
    }

    private String upstream() {
        return backend.upstream().base().toString();
    }

    /** Adds the routes; {@code guard} wraps each handler with authentication and admission. */
    public void register(RoutesConfig r, UnaryOperator<Handler> guard) {
        r.get("/v1/models", guard.apply(ctx -> forward(ctx, "/v1/models", false)));
        r.get("/models", guard.apply(ctx -> forward(ctx, "/v1/models", false)));
        r.get("/v1/models/{id}", guard.apply(ctx -> forward(ctx, "/v1/models/" + ctx.pathParam("id"), false)));
        for (String p : List.of("chat/completions", "completions")) {
            r.post("/v1/" + p, guard.apply(ctx -> forward(ctx, "/v1/" + p, true)));
            r.post("/" + p, guard.apply(ctx -> forward(ctx, "/v1/" + p, true)));
        }
        r.post("/v1/embeddings", guard.apply(ctx -> forward(ctx, "/v1/embeddings", false)));
        r.post("/embeddings", guard.apply(ctx -> forward(ctx, "/v1/embeddings", false)));
        r.post("/v1/responses", guard.apply(ctx -> forward(ctx, "/v1/responses", true)));
        // Anthropic clients against an OpenAI API: translated to a chat completion and back
        r.post("/v1/messages", guard.apply(new hearth.server.anthropic.ForwardedMessages(backend, config, metrics)::handle));
        for (String p : List.of("/tokenize", "/detokenize", "/apply-template")) r.post(p, guard.apply(ctx -> forward(ctx, p, false)));
        r.post("/v1/images/generations", guard.apply(this::generations));
        r.post("/v1/images/edits", guard.apply(this::edits));
    }

    private void forward(Context ctx, String path, boolean generation) throws IOException {
        byte[] body = ctx.method().name().equals("POST") ? Bodies.read(ctx, config.maxBodyBytes()) : new byte[0];
        if (body.length > 0 && isJson(ctx, body)) body = rewrite(ctx, Json.parse(body), generation, body);
        send(ctx, path, body, generation);
    }

    private void generations(Context ctx) throws IOException {
        byte[] body = Bodies.read(ctx, config.maxBodyBytes());
        JsonNode json = Json.parse(body);
        ImageRequests.generation(json, backend.pinsModel() ? backend.modelId() : null).ifPresent(ProxyRoutes::refuse);
        RequestLog.entry(ctx).model = json.path("model").asText(backend.modelId());
        send(ctx, "/v1/images/generations", body, false);
    }

    private void edits(Context ctx) throws IOException {
        byte[] body = Bodies.read(ctx, config.maxBodyBytes());
        String boundary = Multipart.boundary(ctx.contentType()).orElseThrow(() -> ApiError.badRequest(
                "/v1/images/edits takes multipart/form-data (image files and fields)", null, "invalid_content_type"));
        List<Multipart.Part> parts;
        try {
            parts = Multipart.parse(body, boundary);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("malformed multipart body: " + e.getMessage(), null, "invalid_multipart");
        }
        ImageRequests.edit(parts, backend.pinsModel() ? backend.modelId() : null).ifPresent(ProxyRoutes::refuse);
        send(ctx, "/v1/images/edits", body, false);
    }

    private static void refuse(Problem p) {
        throw p.code() != null && p.code().equals("model_not_found")
                ? ApiError.notFound(p.message(), p.param(), p.code())
                : ApiError.badRequest(p.message(), p.param(), p.code());
    }

    /**
     * The model check and the token cap: a pinned engine serves only its model (named or implied), and
     * {@code --max-new-tokens} lowers {@code max_tokens}/{@code max_completion_tokens}. Unchanged bodies are
     * forwarded byte for byte.
     */
    private byte[] rewrite(Context ctx, JsonNode json, boolean generation, byte[] original) {
        if (!(json instanceof ObjectNode o)) return original;
        boolean changed = false;
        JsonNode model = o.get("model");
        String requested = model != null && model.isTextual() ? model.asText() : null;
        RequestLog.entry(ctx).model = requested != null ? requested : backend.modelId();
        if (backend.pinsModel()) {
            if (requested == null || requested.isEmpty()) {
                o.put("model", backend.modelId());
                changed = true;
            } else if (!requested.equals(backend.modelId())) {
                throw ApiError.notFound("the model '" + requested + "' does not exist; this server serves '" + backend.modelId() + "'",
                        "model", "model_not_found");
            }
        }
        int cap = config.maxNewTokens();
        if (generation && cap > 0) {
            String field = o.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
            JsonNode v = o.get(field);
            if (v == null || v.isNull() || (v.canConvertToInt() && v.asInt() > cap)) {
                o.put(field, cap);
                changed = true;
            }
        }
        return changed ? Json.write(o) : original;
    }

    private void send(Context ctx, String path, byte[] body, boolean generation) throws IOException {
        switch (backend.state()) {
            case READY -> { }
            case LOADING -> throw ApiError.unavailable("Loading model" + backend.failure().map(f -> " (engine restarting: " + f + ")").orElse(""),
                    "loading", 5);
            case FAILED -> throw ApiError.unavailable("the engine failed: " + backend.failure().orElse("?"), "engine_failed", 60);
            case CLOSED -> throw ApiError.unavailable("the server is shutting down", "draining", 5);
        }
        RequestLog.Entry entry = RequestLog.entry(ctx);
        SseTap tap = generation ? new SseTap() : null;
        long t0 = System.nanoTime();
        backend.inFlight().incrementAndGet();
        UpstreamClient.Outcome out;
        try {
            out = backend.upstream().forward(ctx, ctx.method().name(), path, body, tap);
        } catch (UpstreamClient.Unreachable e) {
            upstreamErrors.labelValues(backend.modelId(), upstream()).inc();
            throw new ApiError(e.status(), ApiError.SERVER, e.getMessage(), null, "upstream_unavailable", Map.of("Retry-After", "5"));
        } finally {
            backend.inFlight().decrementAndGet();
        }
        if (out.clientGone()) entry.statusOverride = 499;
        if (out.upstreamError() != null) {
            upstreamErrors.labelValues(backend.modelId(), upstream()).inc();
            LOG.warn("the engine broke off a stream for {}: {}", ctx.path(), out.upstreamError());
            writeQuietly(ctx, "data: {\"error\":{\"message\":\"the engine stopped answering\",\"type\":\"server_error\",\"code\":\"upstream_error\"}}\n\n");
        }
        if (generation && out.status() == 200) account(entry, out, tap, t0);
    }

    private void account(RequestLog.Entry entry, UpstreamClient.Outcome out, SseTap tap, long t0) {
        int prompt = -1;
        int generated = -1;
        if (out.streamed()) {
            prompt = tap.promptTokens();
            generated = tap.completionTokens();
        } else if (out.jsonBody() != null) {
            try {
                JsonNode usage = Json.mapper().readTree(out.jsonBody()).path("usage");
                prompt = usage.path("prompt_tokens").asInt(-1);
                generated = usage.path("completion_tokens").asInt(-1);
            } catch (IOException ignored) {
                // not JSON after all: nothing to count
            }
        }
        double e2e = (System.nanoTime() - t0) / 1e9;
        double ttft = out.streamed() && out.firstByteNanos() >= 0 ? out.firstByteNanos() / 1e9 : Double.NaN;
        entry.promptTokens = prompt;
        entry.outputTokens = generated;
        if (!Double.isNaN(ttft)) entry.ttftMillis = ttft * 1000;
        String model = entry.model != null ? entry.model : backend.modelId();
        metrics.generation(model, Math.max(0, prompt), Math.max(0, generated), ttft, e2e);
        if (generated > 0) metrics.tokens(model, generated, System.nanoTime());
    }

    private static void writeQuietly(Context ctx, String text) {
        try {
            var o = ctx.res().getOutputStream();
            o.write(text.getBytes(StandardCharsets.UTF_8));
            o.flush();
        } catch (IOException ignored) {
            // the client is gone as well
        }
    }

    /** JSON by its type, or by its first byte when the client sent none or a form type ({@code curl -d}). */
    private static boolean isJson(Context ctx, byte[] body) {
        String t = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        if (t.contains("json")) return true;
        if (!t.isEmpty() && !t.startsWith("application/x-www-form-urlencoded") && !t.startsWith("text/plain")) return false;
        for (byte b : body) {
            if (b == '{') return true;
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        }
        return false;
    }
}
