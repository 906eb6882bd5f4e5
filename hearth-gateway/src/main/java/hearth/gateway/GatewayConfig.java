package hearth.gateway;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything the gateway needs to know, as plain values. {@link #defaults()} gives the three stock tiers
 * ({@code fast} at {@code /}, {@code reasoning} at {@code /reasoning/}, {@code image} at {@code /image/});
 * {@link #load(Path)} reads a YAML or TOML file (see {@code docs/gateway.md}).
 */
public record GatewayConfig(
        String host,
        int port,
        List<TierConfig> tiers,
        RegistryConfig registry,
        HealthConfig health,
        ProxyConfig proxy,
        AffinityConfig affinity,
        List<KeyConfig> keys,
        boolean routeByModel) {

    public GatewayConfig {
        tiers = List.copyOf(tiers);
        keys = List.copyOf(keys);
    }

    /** One tier: a path prefix (stripped before forwarding) and its static upstreams. */
    public record TierConfig(
            String name,
            String prefix,
            List<String> models,
            List<StaticUpstream> upstreams,
            String upstreamApiKey,
            String healthPath) {
        public TierConfig {
            models = List.copyOf(models);
            upstreams = List.copyOf(upstreams);
        }

        public static TierConfig of(String name, String prefix) {
            return new TierConfig(name, prefix, List.of(), List.of(), null, null);
        }

        public TierConfig withUpstreams(List<StaticUpstream> list) {
            return new TierConfig(name, prefix, models, list, upstreamApiKey, healthPath);
        }
    }

    /** An upstream written in the config file; {@code apiKey} is sent to it as a bearer token. */
    public record StaticUpstream(String name, String url, List<String> models, String apiKey, int maxConcurrent) {
        public StaticUpstream {
            models = List.copyOf(models);
        }

        public static StaticUpstream of(String name, String url) {
            return new StaticUpstream(name, url, List.of(), null, 0);
        }
    }

    /**
     * Where running servers announce themselves. {@code heartbeatTtl} zero means file entries never go stale;
     * {@code httpTtl} is how long a {@code POST /registry} entry lives without being posted again; without a
     * {@code token} the HTTP registry is off.
     */
    public record RegistryConfig(Path dir, Duration rescan, Duration heartbeatTtl, String token, Duration httpTtl) {
        public static RegistryConfig defaults() {
            return new RegistryConfig(null, Duration.ofSeconds(5), Duration.ZERO, null, Duration.ofSeconds(30));
        }
    }

    /** Active checks: probe {@code path} every {@code interval}; {@code fall} failures mark down, {@code rise} successes up. */
    public record HealthConfig(String path, Duration interval, Duration timeout, int fall, int rise) {
        public static HealthConfig defaults() {
            return new HealthConfig("/health", Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 2);
        }

        public boolean active() {
            return !interval.isZero();
        }
    }

    /**
     * Forwarding limits. {@code headersTimeout} bounds the wait for an upstream's status line (prefill of a long
     * prompt happens before it on most servers), {@code idleTimeout} the silence between two body chunks.
     * {@code queueTimeout} is how long a request waits for a healthy upstream before a 503.
     *
     * @param maxThreads client connections served at once: each holds a platform thread (a blocked read is woken by
     *     the kernel directly, the cheapest way through for a streamed event); more wait in the listen backlog
     * @param virtualThreads serve connections on virtual threads instead: no thread limit, but each relayed event then
     *     costs a poller and a scheduler hand-off (more CPU and latency per event)
     * @param relayLoop relay streams after their first event on one selector thread for all of them (plain-HTTP
     *     upstreams); false keeps each stream on its connection's thread, woken for every event
     * @param shortSlice ask Linux (6.12+) for the shortest scheduler slice for the connection and relay threads of
     *     {@code eventLoops} 0, so that on busy cores a thread woken by a request or an upstream's answer runs at once
     *     ({@link ShortSlice}); the event loops keep the kernel's slice
     * @param eventLoops client connections and plain-HTTP upstream requests live on this many selector threads (event
     *     loops, as nginx's workers; by default one per core), where a request needs no thread of its own unless it
     *     must wait or block (no eligible upstream yet, a TLS upstream, a chunked or large request body, the gateway's
     *     own routes); 0: a thread per connection
     * @param caFile PEM certificates trusted for {@code https://} upstreams besides the JDK's own (null: JDK's only)
     */
    public record ProxyConfig(
            Duration connectTimeout,
            Duration headersTimeout,
            Duration idleTimeout,
            int maxAttempts,
            Duration queueTimeout,
            Duration retryAfter,
            Duration cooldown,
            Duration cooldownMax,
            long maxBodyBytes,
            long responseBufferBytes,
            int maxThreads,
            boolean virtualThreads,
            boolean relayLoop,
            boolean shortSlice,
            int eventLoops,
            Path caFile) {
        public static final int DEFAULT_MAX_THREADS = 4096;

        /** The limits alone, with the default threads and no extra trusted certificates. */
        public ProxyConfig(Duration connectTimeout, Duration headersTimeout, Duration idleTimeout, int maxAttempts,
                Duration queueTimeout, Duration retryAfter, Duration cooldown, Duration cooldownMax, long maxBodyBytes,
                long responseBufferBytes) {
            this(connectTimeout, headersTimeout, idleTimeout, maxAttempts, queueTimeout, retryAfter, cooldown, cooldownMax,
                    maxBodyBytes, responseBufferBytes, DEFAULT_MAX_THREADS, false, true, true, Runtime.getRuntime().availableProcessors(), null);
        }

        public static ProxyConfig defaults() {
            return new ProxyConfig(Duration.ofSeconds(3), Duration.ofSeconds(600), Duration.ofSeconds(300), 3,
                    Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30),
                    16L << 20, 8L << 20);
        }

        public ProxyConfig withThreads(int max, boolean virtual) {
            return new ProxyConfig(connectTimeout, headersTimeout, idleTimeout, maxAttempts, queueTimeout, retryAfter,
                    cooldown, cooldownMax, maxBodyBytes, responseBufferBytes, max, virtual, relayLoop, shortSlice, eventLoops, caFile);
        }

        public ProxyConfig withRelayLoop(boolean on) {
            return new ProxyConfig(connectTimeout, headersTimeout, idleTimeout, maxAttempts, queueTimeout, retryAfter,
                    cooldown, cooldownMax, maxBodyBytes, responseBufferBytes, maxThreads, virtualThreads, on, shortSlice, eventLoops, caFile);
        }

        public ProxyConfig withShortSlice(boolean on) {
            return new ProxyConfig(connectTimeout, headersTimeout, idleTimeout, maxAttempts, queueTimeout, retryAfter,
                    cooldown, cooldownMax, maxBodyBytes, responseBufferBytes, maxThreads, virtualThreads, relayLoop, on, eventLoops, caFile);
        }

        public ProxyConfig withEventLoops(int n) {
            return new ProxyConfig(connectTimeout, headersTimeout, idleTimeout, maxAttempts, queueTimeout, retryAfter,
                    cooldown, cooldownMax, maxBodyBytes, responseBufferBytes, maxThreads, virtualThreads, relayLoop, shortSlice, n, caFile);
        }

        /** The event loops the front end runs: none on virtual threads, which have a thread per connection. */
        public int loops() {
            return virtualThreads ? 0 : eventLoops;
        }

        public ProxyConfig withCaFile(Path file) {
            return new ProxyConfig(connectTimeout, headersTimeout, idleTimeout, maxAttempts, queueTimeout, retryAfter,
                    cooldown, cooldownMax, maxBodyBytes, responseBufferBytes, maxThreads, virtualThreads, relayLoop, shortSlice, eventLoops, file);
        }
    }

    /**
     * Session affinity: requests carrying the same {@code header} value, or else the same first {@code messages}
     * chat messages, go to the same upstream while it is eligible and not more than {@code maxImbalance}
     * requests busier than the least loaded one. {@code header} null and {@code messages} 0 turn it off.
     */
    public record AffinityConfig(String header, int messages, int maxImbalance) {
        public static AffinityConfig defaults() {
            return new AffinityConfig("x-session-id", 2, 16);
        }
    }

    /** A gateway API key: allowed tiers (empty = all) and a rate limit (0 = none) in requests per second. */
    public record KeyConfig(String name, String key, Set<String> tiers, double ratePerSecond, int burst) {
        public KeyConfig {
            tiers = Set.copyOf(tiers);
        }

        public boolean allows(String tier) {
            return tiers.isEmpty() || tiers.contains(tier);
        }
    }

    public static List<TierConfig> defaultTiers() {
        return List.of(TierConfig.of("fast", "/"), TierConfig.of("reasoning", "/reasoning/"),
                TierConfig.of("image", "/image/"));
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8000, defaultTiers(), RegistryConfig.defaults(), HealthConfig.defaults(),
                ProxyConfig.defaults(), AffinityConfig.defaults(), List.of(), true);
    }

    /** Reads a {@code .yaml}/{@code .yml} or {@code .toml} file; unknown keys and bad values are errors. */
    public static GatewayConfig load(Path file) throws IOException {
        return ConfigReader.read(file);
    }

    public GatewayConfig withListen(String newHost, int newPort) {
        return new GatewayConfig(newHost, newPort, tiers, registry, health, proxy, affinity, keys, routeByModel);
    }

    public GatewayConfig withRegistry(RegistryConfig r) {
        return new GatewayConfig(host, port, tiers, r, health, proxy, affinity, keys, routeByModel);
    }

    public GatewayConfig withTiers(List<TierConfig> t) {
        return new GatewayConfig(host, port, t, registry, health, proxy, affinity, keys, routeByModel);
    }

    public GatewayConfig withHealth(HealthConfig h) {
        return new GatewayConfig(host, port, tiers, registry, h, proxy, affinity, keys, routeByModel);
    }

    public GatewayConfig withProxy(ProxyConfig p) {
        return new GatewayConfig(host, port, tiers, registry, health, p, affinity, keys, routeByModel);
    }

    public GatewayConfig withAffinity(AffinityConfig a) {
        return new GatewayConfig(host, port, tiers, registry, health, proxy, a, keys, routeByModel);
    }

    public GatewayConfig withKeys(List<KeyConfig> k) {
        return new GatewayConfig(host, port, tiers, registry, health, proxy, affinity, k, routeByModel);
    }
}
