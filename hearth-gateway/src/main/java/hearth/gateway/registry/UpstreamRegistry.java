package hearth.gateway.registry;

import hearth.gateway.Tier;
import hearth.gateway.Upstream;
import hearth.gateway.health.HealthState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the three sources of upstreams (config, registry directory, HTTP registrations) into each tier's live set.
 * Names are unique across sources; on a clash the config wins over a file and a file over an HTTP entry. An
 * upstream that keeps its name, tier and URL keeps its {@link Upstream} object, so health and load survive
 * heartbeats; a changed URL is a new upstream.
 */
public final class UpstreamRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRegistry.class);

    /** Told about upstreams that appear and disappear (health checks, metrics). */
    public interface Listener {
        void added(Upstream u);

        void removed(Upstream u);
    }

    private final Map<String, Tier> tiers;
    private final List<Endpoint> configured;
    private final Function<Endpoint, HealthState> healthFactory;
    private final List<Listener> listeners = new ArrayList<>();
    private final HttpRegistrations http;
    private List<Endpoint> fromFiles = List.of();
    private final Map<String, Upstream> live = new LinkedHashMap<>();
    private volatile Map<String, String> rejected = Map.of();

    public UpstreamRegistry(Map<String, Tier> tiers, List<Endpoint> configured, HttpRegistrations http,
            Function<Endpoint, HealthState> healthFactory) {
        this.tiers = tiers;
        this.configured = List.copyOf(configured);
        this.http = http;
        this.healthFactory = healthFactory;
    }

    public synchronized void addListener(Listener l) {
        listeners.add(l);
        live.values().forEach(l::added);
    }

    public HttpRegistrations http() {
        return http;
    }

    /** Called by the directory watcher with its current entries. */
    public synchronized void filesChanged(List<Endpoint> entries) {
        fromFiles = List.copyOf(entries);
        reconcile();
    }

    /** Adds or refreshes an HTTP registration; throws with a reason when its tier is unknown. */
    public synchronized Endpoint register(Endpoint e) {
        if (!tiers.containsKey(e.tier())) throw new IllegalArgumentException("unknown tier '" + e.tier() + "'; tiers: " + tiers.keySet());
        Endpoint stamped = http.register(e);
        reconcile();
        return stamped;
    }

    public synchronized boolean deregister(String name) {
        boolean removed = http.deregister(name);
        if (removed) reconcile();
        return removed;
    }

    /** Drops expired HTTP registrations; called periodically. */
    public synchronized void expire() {
        reconcile();
    }

    /** Endpoint name → why it is not in service (unknown tier, name clash). */
    public Map<String, String> rejected() {
        return rejected;
    }

    public synchronized void reconcile() {
        Map<String, Endpoint> wanted = new LinkedHashMap<>();
        Map<String, String> reasons = new TreeMap<>();
        addAll(configured, wanted, reasons);
        addAll(fromFiles, wanted, reasons);
        addAll(http.live(), wanted, reasons);
        logNew(reasons);
        rejected = Map.copyOf(reasons);
        boolean changed = false;
        for (var it = live.entrySet().iterator(); it.hasNext(); ) {
            var en = it.next();
            Endpoint w = wanted.get(en.getKey());
            if (w == null || !w.sameTarget(en.getValue().endpoint())) {
                it.remove();
                LOG.info("upstream {} removed", en.getValue());
                listeners.forEach(l -> l.removed(en.getValue()));
                changed = true;
            }
        }
        for (Endpoint w : wanted.values()) {
            Upstream u = live.get(w.name());
            if (u != null) {
                changed |= !u.endpoint().models().equals(w.models());
                u.refresh(w);
                continue;
            }
            u = new Upstream(w, healthFactory.apply(w));
            live.put(w.name(), u);
            LOG.info("upstream {} added ({}, models {})", u, w.source().label(), w.models());
            Upstream added = u;
            listeners.forEach(l -> l.added(added));
            changed = true;
        }
        if (changed) publish();
    }

    private void addAll(List<Endpoint> source, Map<String, Endpoint> wanted, Map<String, String> reasons) {
        for (Endpoint e : source) {
            Tier t = tiers.get(e.tier());
            if (t == null) {
                reasons.put(e.name(), "unknown tier '" + e.tier() + "'");
            } else if (wanted.containsKey(e.name())) {
                Endpoint first = wanted.get(e.name());
                reasons.put(e.name() + " (" + e.source().label() + ")",
                        "name already used by a " + first.source().label() + " entry");
            } else {
                String key = t.config().upstreamApiKey();
                wanted.put(e.name(), e.apiKey() == null && key != null ? e.withApiKey(key) : e);
            }
        }
    }

    private void publish() {
        Map<String, List<Upstream>> byTier = new LinkedHashMap<>();
        tiers.keySet().forEach(n -> byTier.put(n, new ArrayList<>()));
        live.values().forEach(u -> byTier.get(u.tier()).add(u));
        byTier.forEach((n, list) -> tiers.get(n).setUpstreams(list));
    }

    private void logNew(Map<String, String> reasons) {
        Map<String, String> before = rejected;
        reasons.forEach((n, why) -> {
            if (!why.equals(before.get(n))) LOG.warn("registry: ignoring '{}': {}", n, why);
        });
    }
}
