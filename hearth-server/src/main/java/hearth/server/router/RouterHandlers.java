package hearth.server.router;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.backend.Backend;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.http.Admission;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import hearth.server.http.SseWriter;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The router's HTTP routes: {@code GET /v1/models} and {@code GET /models} (every model with its status, memory and
 * last use), {@code GET /v1/models/{id}}, {@code POST /models/load}, {@code POST /models/unload} and the event stream
 * {@code GET /models/events} (SSE: a snapshot, then loading/progress/loaded/unloading/unloaded/failed as they happen).
 */
public final class RouterHandlers {
    /** A comment goes out after this long without events, so that a client that left is noticed. */
    private static final long KEEPALIVE_SECONDS = 15;

    private final ModelRouter<EmbeddedBackend> router;
    private final Admission admission;
    private final long created = System.currentTimeMillis() / 1000;

    RouterHandlers(ModelRouter<EmbeddedBackend> router, Admission admission) {
        this.router = router;
        this.admission = admission;
    }

    public void list(Context ctx) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (ModelStatus s : router.statuses()) data.add(card(s));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        RouterLimits l = router.limits();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("models_dir", router.catalog().root().toString());
        r.put("loaded", router.loaded().size());
        r.put("models_max", l.maxModels());
        r.put("memory_used_bytes", router.memoryInUse());
        r.put("memory_limit_bytes", l.memoryBytes());
        r.put("problems", router.catalog().problems());
        body.put("router", r);
        Bodies.json(ctx, 200, body);
    }

    public void get(Context ctx) {
        ModelStatus s = status(ctx.pathParam("id"));
        Bodies.json(ctx, 200, card(s));
    }

    /** {@code {"model": NAME, "wait": false}}: starts loading (202), or waits for it when {@code wait} is true (200). */
    public void load(Context ctx) {
        JsonNode body = Json.parse(Bodies.read(ctx, 64 * 1024));
        String name = modelField(body);
        try {
            if (body.path("wait").asBoolean(false)) {
                router.acquire(name).close();
            } else {
                router.load(name);
            }
        } catch (RouterException e) {
            throw RouterModels.toApiError(e);
        }
        ModelStatus s = status(name);
        Bodies.json(ctx, s.state() == ModelRouter.State.LOADED ? 200 : 202, card(s));
    }

    /** {@code {"model": NAME}}: unloads it now; 409 while requests use it. */
    public void unload(Context ctx) {
        String name = modelField(Json.parse(Bodies.read(ctx, 64 * 1024)));
        try {
            router.unload(name);
        } catch (RouterException e) {
            throw RouterModels.toApiError(e);
        }
        Bodies.json(ctx, 200, card(status(name)));
    }

    /** Server-sent events until the client leaves or the server drains. */
    public void events(Context ctx) throws IOException, InterruptedException {
        SseWriter sse = new SseWriter(ctx.res());
        try (RouterEvents.Subscription sub = router.events().subscribe()) {
            sse.open();
            List<Map<String, Object>> models = new ArrayList<>();
            for (ModelStatus s : router.statuses()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id());
                m.put("status", s.state().label());
                models.add(m);
            }
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("type", "snapshot");
            snapshot.put("models", models);
            sse.data(Json.write(snapshot));
            while (!admission.draining()) {
                RouterEvents.Event e;
                try {
                    e = sub.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                } catch (IllegalStateException behind) {
                    return;  // fell too far behind; the client reconnects and gets a fresh snapshot
                }
                if (e == null) {
                    sse.comment("keep-alive");
                    continue;
                }
                if (e.type().equals("shutdown")) break;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", e.type());
                m.put("model", e.model());
                m.put("seq", e.seq());
                m.put("at", e.at().toString());
                m.putAll(e.data());
                sse.data(Json.write(m));
            }
            // the last event, whether the drain was seen between events or the router's shutdown event came first
            sse.data(Json.write(Map.of("type", "shutdown")));
        } catch (IOException clientGone) {
            // nothing to clean up beyond the subscription
        }
    }

    private ModelStatus status(String name) {
        String id = router.catalog().find(name).map(CatalogEntry::id)
                .orElseThrow(() -> ApiError.notFound("the model '" + name + "' does not exist", "model", "model_not_found"));
        return router.statuses().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiError.notFound("the model '" + name + "' does not exist", "model", "model_not_found"));
    }

    private static String modelField(JsonNode body) {
        JsonNode m = body.path("model");
        if (!m.isTextual() || m.asText().isBlank()) throw ApiError.badRequest("'model' is required (a model id or alias)", "model");
        return m.asText();
    }

    /** An OpenAI model card plus the router's view of the model. */
    private Map<String, Object> card(ModelStatus s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", s.id());
        c.put("object", "model");
        c.put("created", created);
        c.put("owned_by", "hearth");
        c.put("status", s.state().label());
        c.put("aliases", s.names().stream().filter(n -> !n.equals(s.id())).toList());
        c.put("path", s.path());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("estimated_bytes", s.memoryBytes());
        mem.put("weights_bytes", s.weightBytes());
        mem.put("kv_cache_bytes", s.kvBytes());
        c.put("memory", mem);
        c.put("in_flight", s.inFlight());
        c.put("last_used", s.lastUsed().map(Object::toString).orElse(null));
        c.put("loaded_at", s.loadedAt().map(Object::toString).orElse(null));
        c.put("load_ms", s.loadMillis().orElse(null));
        c.put("pinned", s.pinned());
        c.put("idle_ttl_s", s.idleTtl().toSeconds());
        c.put("failure", s.failure().orElse(null));
        return c;
    }
}
