package hearth.gateway.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints posted to {@code POST /registry}: each lives {@code ttl} after its last post (its heartbeat), so a
 * server that dies without deregistering drops out on its own.
 */
public final class HttpRegistrations {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRegistrations.class);

    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Endpoint endpoint, Instant expires) {}

    public HttpRegistrations(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Adds or refreshes an entry; its heartbeat becomes the time of this post. */
    public Endpoint register(Endpoint e) {
        Instant now = clock.instant();
        Endpoint stamped = new Endpoint(e.name(), e.tier(), e.url(), e.models(), e.jobId(), e.started(), now,
                Endpoint.Source.HTTP, e.apiKey(), e.maxConcurrent());
        entries.put(e.name(), new Entry(stamped, now.plus(ttl)));
        return stamped;
    }

    public boolean deregister(String name) {
        return entries.remove(name) != null;
    }

    /** Live entries; expired ones are dropped (and logged) here. */
    public List<Endpoint> live() {
        Instant now = clock.instant();
        List<Endpoint> out = new ArrayList<>();
        entries.values().removeIf(en -> {
            boolean expired = now.isAfter(en.expires);
            if (expired) LOG.warn("registry: '{}' expired, no heartbeat for {} ms", en.endpoint.name(), ttl.toMillis());
            return expired;
        });
        for (Entry en : entries.values()) out.add(en.endpoint);
        out.sort(java.util.Comparator.comparing(Endpoint::name));
        return out;
    }
}
