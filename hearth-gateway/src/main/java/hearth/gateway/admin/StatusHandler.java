package hearth.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hearth.gateway.Tier;
import hearth.gateway.Upstream;
import hearth.gateway.registry.Endpoint;
import hearth.gateway.registry.RegistryDirectory;
import hearth.gateway.registry.UpstreamRegistry;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** {@code /gateway/status} (tiers, upstreams, health, load, ignored registry entries) and {@code /health}. */
public final class StatusHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Tier> tiers;
    private final UpstreamRegistry registry;
    private final RegistryDirectory directory;
    private final Clock clock;

    public StatusHandler(List<Tier> tiers, UpstreamRegistry registry, RegistryDirectory directory, Clock clock) {
        this.tiers = tiers;
        this.registry = registry;
        this.directory = directory;
        this.clock = clock;
    }

    public void status(Context ctx) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode ts = root.putArray("tiers");
        for (Tier t : tiers) ts.add(tier(t));
        ObjectNode reg = root.putObject("registry");
        reg.put("dir", directory == null ? null : directory.dir().toString());
        ObjectNode ignored = reg.putObject("ignored");
        if (directory != null) directory.ignored().forEach(ignored::put);
        registry.rejected().forEach(ignored::put);
        ctx.contentType("application/json").result(root.toString());
    }

    private ObjectNode tier(Tier t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", t.name());
        n.put("prefix", t.prefix());
        ArrayNode models = n.putArray("models");
        t.models().forEach(models::add);
        int healthy = 0;
        int load = 0;
        ArrayNode ups = n.putArray("upstreams");
        for (Upstream u : t.upstreams()) {
            ups.add(upstream(u));
            if (u.health().eligible()) healthy++;
            load += u.inFlight();
        }
        n.put("healthy", healthy);
        n.put("in_flight", load);
        return n;
    }

    private ObjectNode upstream(Upstream u) {
        Endpoint e = u.endpoint();
        ObjectNode n = JSON.createObjectNode();
        n.put("name", e.name());
        n.put("url", e.url().toString());
        n.put("source", e.source().label());
        n.put("status", u.health().status().name().toLowerCase(java.util.Locale.ROOT));
        n.put("eligible", u.health().eligible());
        n.put("in_flight", u.inFlight());
        n.put("requests", u.requests());
        n.put("failures", u.failures());
        n.put("cooldown_ms", Duration.ofNanos(u.health().cooldownRemainingNanos()).toMillis());
        n.put("last_error", u.health().lastError());
        ArrayNode models = n.putArray("models");
        u.models().forEach(models::add);
        n.put("job_id", e.jobId());
        n.put("started", e.started() == null ? null : e.started().toString());
        n.put("heartbeat", e.heartbeat() == null ? null : e.heartbeat().toString());
        if (e.heartbeat() != null) n.put("heartbeat_age_s", Duration.between(e.heartbeat(), clock.instant()).toSeconds());
        if (e.maxConcurrent() > 0) n.put("max_concurrent", e.maxConcurrent());
        return n;
    }

    /** 200 while some tier has an eligible upstream, else 503; the body counts them per tier. */
    public void health(Context ctx) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode per = JSON.createObjectNode();
        int healthy = 0;
        for (Tier t : tiers) {
            int h = 0;
            for (Upstream u : t.upstreams()) if (u.health().eligible()) h++;
            healthy += h;
            per.putObject(t.name()).put("healthy", h).put("total", t.upstreams().size());
        }
        root.put("status", healthy > 0 ? "ok" : "no healthy upstream");
        root.set("tiers", per);
        ctx.status(healthy > 0 ? 200 : 503).contentType("application/json").result(root.toString());
    }
}
