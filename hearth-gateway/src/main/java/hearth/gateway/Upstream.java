package hearth.gateway;

import hearth.gateway.health.HealthState;
import hearth.gateway.registry.Endpoint;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A live upstream server: its registry entry (replaced in place when a heartbeat refreshes it), its health and its
 * load. The object lives as long as the entry keeps the same name, tier and URL, so health and counters survive
 * heartbeats.
 */
public final class Upstream {
    private volatile Endpoint endpoint;
    private final HealthState health;
    private final long nameHash;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile List<String> discoveredModels = List.of();
    private volatile long modelsFetchedAt;

    public Upstream(Endpoint endpoint, HealthState health) {
        this.endpoint = endpoint;
        this.health = health;
        this.nameHash = fnv1a64(endpoint.name());
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public void refresh(Endpoint e) {
        this.endpoint = e;
    }

    public String name() {
        return endpoint.name();
    }

    public String tier() {
        return endpoint.tier();
    }

    public URI url() {
        return endpoint.url();
    }

    public HealthState health() {
        return health;
    }

    /** Stable 64-bit hash of the name, the upstream's side of rendezvous hashing. */
    public long nameHash() {
        return nameHash;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** Listed in its registry entry or reported by its {@code /v1/models}. */
    public boolean serves(String model) {
        return endpoint.models().contains(model) || discoveredModels.contains(model);
    }

    /** Neither the entry nor the upstream named any model: it takes whatever is asked (router mode). */
    public boolean servesAnything() {
        return endpoint.models().isEmpty() && discoveredModels.isEmpty();
    }

    /** Registry models first, then those the upstream reported. */
    public List<String> models() {
        if (discoveredModels.isEmpty()) return endpoint.models();
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(endpoint.models());
        all.addAll(discoveredModels);
        return List.copyOf(all);
    }

    /** Models the upstream's {@code /v1/models} reported, and when (nanoTime). */
    public void discovered(List<String> models, long atNanos) {
        discoveredModels = List.copyOf(models);
        modelsFetchedAt = atNanos;
    }

    public void modelsFetchStarted(long atNanos) {
        modelsFetchedAt = atNanos;
    }

    public long modelsFetchedAt() {
        return modelsFetchedAt;
    }

    public boolean hasFreeSlot() {
        int max = endpoint.maxConcurrent();
        return max <= 0 || inFlight.get() < max;
    }

    /** Takes one request slot; false when {@code max_concurrent} is reached meanwhile. */
    public boolean tryAcquire() {
        int max = endpoint.maxConcurrent();
        if (max <= 0) {
            inFlight.incrementAndGet();
        } else {
            int n;
            do {
                n = inFlight.get();
                if (n >= max) return false;
            } while (!inFlight.compareAndSet(n, n + 1));
        }
        requests.increment();
        return true;
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public void countFailure() {
        failures.increment();
    }

    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        return endpoint.tier() + "/" + endpoint.name() + "@" + endpoint.url();
    }
}
