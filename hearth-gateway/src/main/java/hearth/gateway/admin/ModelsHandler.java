package hearth.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.Tier;
import hearth.gateway.Upstream;
import hearth.gateway.health.HealthChecker;
import hearth.gateway.security.ApiKeys;
import io.javalin.http.Context;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/models} at the gateway: the tiers' lists merged. Each eligible upstream is asked in parallel
 * (bounded by a short timeout); models declared in the config or the registry but not reported are added, so the
 * list is useful even while an upstream is busy loading. Each entry carries the {@code tier} that serves it; the
 * first tier (in config order) wins a duplicate id.
 */
public final class ModelsHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<Tier> tiers;
    private final ApiKeys keys;
    private final HttpClient client;

    public ModelsHandler(List<Tier> tiers, ApiKeys keys, HttpClient client) {
        this.tiers = tiers;
        this.keys = keys;
        this.client = client;
    }

    public void list(Context ctx) {
        List<Tier> visible = visible(ctx);
        Map<Tier, List<CompletableFuture<JsonNode>>> asked = new LinkedHashMap<>();
        for (Tier t : visible) {
            List<CompletableFuture<JsonNode>> fs = new ArrayList<>();
            for (Upstream u : t.upstreams()) if (u.health().eligible()) fs.add(fetch(u));
            asked.put(t, fs);
        }
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        asked.forEach((t, fs) -> {
            for (CompletableFuture<JsonNode> f : fs) {
                for (JsonNode m : f.join().path("data")) {
                    if (!m.isObject() || !m.hasNonNull("id")) continue;
                    ObjectNode copy = ((ObjectNode) m).deepCopy();
                    copy.put("tier", t.name());
                    byId.putIfAbsent(m.get("id").asText(), copy);
                }
            }
            for (String id : t.models()) byId.putIfAbsent(id, declared(id, t));
        });
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        byId.values().forEach(data::add);
        ctx.contentType("application/json").result(root.toString());
    }

    private List<Tier> visible(Context ctx) {
        if (!keys.enabled()) return tiers;
        List<Tier> out = new ArrayList<>();
        KeyConfig k = keys.check(ctx.header("Authorization"), ctx.header("x-api-key"), null);
        for (Tier t : tiers) if (k.allows(t.name())) out.add(t);
        return out;
    }

    private CompletableFuture<JsonNode> fetch(Upstream u) {
        HttpRequest.Builder b = HttpRequest.newBuilder(HealthChecker.resolve(u.url(), "/v1/models")).timeout(TIMEOUT).GET();
        if (u.endpoint().apiKey() != null) b.header("Authorization", "Bearer " + u.endpoint().apiKey());
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> r.statusCode() == 200 ? parse(r.body()) : JSON.createObjectNode())
                .exceptionally(e -> JSON.createObjectNode());
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static ObjectNode declared(String id, Tier t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("object", "model");
        n.put("created", 0);
        n.put("owned_by", "hearth");
        n.put("tier", t.name());
        return n;
    }
}
