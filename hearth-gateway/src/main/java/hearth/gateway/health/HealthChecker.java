package hearth.gateway.health;

import hearth.gateway.Tier;
import hearth.gateway.Upstream;
import hearth.gateway.registry.UpstreamRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every {@code interval} each upstream's health path is fetched with a timeout. 2xx is a
 * success, 503 means loading or draining (no new traffic at once), anything else (refused, timed out, other
 * status) a failure. A new upstream is probed at once. Probes are asynchronous, so a hanging upstream delays
 * nobody else's check.
 */
public final class HealthChecker implements UpstreamRegistry.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final Collection<Tier> tiers;
    private final String defaultPath;
    private final Duration interval;
    private final Duration timeout;
    private final HttpClient client;
    private final ScheduledExecutorService timer;
    private static final long MODELS_REFRESH_S = 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Upstream, Boolean> probing = new ConcurrentHashMap<>();

    public HealthChecker(Collection<Tier> tiers, String defaultPath, Duration interval, Duration timeout,
            HttpClient client) {
        this.tiers = tiers;
        this.defaultPath = defaultPath;
        this.interval = interval;
        this.timeout = timeout;
        this.client = client;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("health").unstarted(r));
    }

    public HealthChecker start() {
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::probeAll, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void added(Upstream u) {
        if (!timer.isShutdown()) timer.execute(() -> probe(u));
    }

    @Override
    public void removed(Upstream u) {
        probing.remove(u);
    }

    private void probeAll() {
        for (Tier t : tiers) for (Upstream u : t.upstreams()) probe(u);
    }

    private void probe(Upstream u) {
        if (probing.putIfAbsent(u, Boolean.TRUE) != null) return; // the last probe is still out
        Tier tier = tierOf(u);
        String path = tier != null && tier.config().healthPath() != null ? tier.config().healthPath() : defaultPath;
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(u.url(), path)).timeout(timeout).GET();
        if (u.endpoint().apiKey() != null) b.header("Authorization", "Bearer " + u.endpoint().apiKey());
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            probing.remove(u);
            boolean changed = resp != null ? judge(u, resp.statusCode()) : failed(u, err);
            if (resp != null && resp.statusCode() / 100 == 2) discoverModels(u, tier);
            if (changed) {
                LOG.info("upstream {} is now {}{}", u, u.health().status(),
                        u.health().lastError() == null ? "" : " (" + u.health().lastError() + ")");
                if (tier != null) tier.signal();
            }
        });
    }

    /** Learns the models an upstream serves from its {@code /v1/models}, at most every {@value #MODELS_REFRESH_S} s. */
    private void discoverModels(Upstream u, Tier tier) {
        long now = System.nanoTime();
        if (u.modelsFetchedAt() != 0 && now - u.modelsFetchedAt() < TimeUnit.SECONDS.toNanos(MODELS_REFRESH_S)) return;
        u.modelsFetchStarted(now); // one request at a time
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(u.url(), "/v1/models")).timeout(timeout).GET();
        if (u.endpoint().apiKey() != null) b.header("Authorization", "Bearer " + u.endpoint().apiKey());
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenAccept(r -> {
            if (r.statusCode() != 200) return;
            List<String> ids = new ArrayList<>();
            try {
                for (JsonNode m : JSON.readTree(r.body()).path("data")) if (m.hasNonNull("id")) ids.add(m.get("id").asText());
            } catch (java.io.IOException bad) {
                return;
            }
            u.discovered(ids, now);
            if (tier != null) tier.signal();
        });
    }

    private static boolean judge(Upstream u, int status) {
        if (status >= 200 && status < 300) return u.health().probeSucceeded();
        if (status == 503) return u.health().unavailable("health check: 503 (loading or draining)");
        return u.health().probeFailed(HealthState.Failure.STATUS_5XX, "health check: status " + status);
    }

    private static boolean failed(Upstream u, Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        HealthState.Failure kind = e instanceof ConnectException ? HealthState.Failure.CONNECT
                : e instanceof HttpTimeoutException ? HealthState.Failure.TIMEOUT : HealthState.Failure.RESET;
        return u.health().probeFailed(kind, "health check: " + kind.name().toLowerCase(java.util.Locale.ROOT) + " ("
                + e.getClass().getSimpleName() + ")");
    }

    private Tier tierOf(Upstream u) {
        for (Tier t : tiers) if (t.name().equals(u.tier())) return t;
        return null;
    }

    /** Joins a base URL that may carry a path ({@code http://h:1/v1-proxy}) with an absolute path. */
    public static URI resolve(URI base, String pathAndQuery) {
        String b = base.toString();
        if (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return URI.create(b + (pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
