package hearth.gateway.testing;

import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.HealthConfig;
import hearth.gateway.GatewayConfig.ProxyConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Gateway configs for tests: 127.0.0.1 port 0 and timeouts short enough for a bounded test run. */
public final class Configs {
    private Configs() {}

    public static GatewayConfig fast() {
        GatewayConfig d = GatewayConfig.defaults();
        return d.withListen("127.0.0.1", 0)
                .withHealth(new HealthConfig("/health", Duration.ofMillis(100), Duration.ofMillis(500), 2, 1))
                .withProxy(new ProxyConfig(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(3), 3,
                        Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(2),
                        1 << 20, 1 << 20));
    }

    /** The three stock tiers with these upstreams in {@code fast}. */
    public static GatewayConfig withFast(MockUpstream... ups) {
        return withTier(fast(), "fast", ups);
    }

    public static GatewayConfig withTier(GatewayConfig c, String tier, MockUpstream... ups) {
        return withUpstreams(c, tier, t -> {
            List<StaticUpstream> list = new ArrayList<>(t.upstreams());
            for (MockUpstream u : ups) list.add(new StaticUpstream(u.name(), u.url().toString(), u.models(), null, 0));
            return list;
        });
    }

    /** {@code c} with one upstream named {@code raw}, serving model {@code m}, as the {@code fast} tier's only one. */
    public static GatewayConfig withRawUpstream(GatewayConfig c, URI upstream) {
        return withUpstreams(c, "fast", t -> List.of(new StaticUpstream("raw", upstream.toString(), List.of("m"), null, 0)));
    }

    /** {@code c} with the upstreams of tier {@code tier} replaced by what {@code upstreams} makes of that tier. */
    private static GatewayConfig withUpstreams(GatewayConfig c, String tier, Function<TierConfig, List<StaticUpstream>> upstreams) {
        List<TierConfig> tiers = new ArrayList<>();
        for (TierConfig t : c.tiers()) tiers.add(t.name().equals(tier) ? t.withUpstreams(upstreams.apply(t)) : t);
        return c.withTiers(tiers);
    }

    public static GatewayConfig withoutActiveChecks(GatewayConfig c) {
        HealthConfig h = c.health();
        return c.withHealth(new HealthConfig(h.path(), Duration.ZERO, h.timeout(), h.fall(), h.rise()));
    }

    public static GatewayConfig withQueueTimeout(GatewayConfig c, Duration d) {
        ProxyConfig p = c.proxy();
        return c.withProxy(new ProxyConfig(p.connectTimeout(), p.headersTimeout(), p.idleTimeout(), p.maxAttempts(), d,
                p.retryAfter(), p.cooldown(), p.cooldownMax(), p.maxBodyBytes(), p.responseBufferBytes()));
    }
}
