package hearth.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.Upstream;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Probes take an upstream out when it starts draining and bring it back when it is ready. */
class ActiveHealthCheckTest {
    private static void eventually(Supplier<Boolean> c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!c.get() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(c.get()).isTrue();
    }

    @Test
    void aDrainingUpstreamIsTakenOutByProbesBeforeAnyRequestHitsItAndReturnsWhenReady() throws Exception {
        try (MockUpstream a = new MockUpstream("a", "m"); MockUpstream b = new MockUpstream("b", "m");
                Gateway gw = new Gateway(Configs.withFast(a, b)).start();
                Client client = new Client(gw.baseUri())) {
            Upstream ua = gw.tiers().getFirst().upstreams().getFirst();
            eventually(() -> a.healthChecks() > 0);
            a.draining(true);
            int seen = a.healthChecks();
            // two probes after the switch: one already under way may still have said 200
            eventually(() -> a.healthChecks() >= seen + 2 && !ua.health().eligible());
            for (int i = 0; i < 6; i++)
                assertThat(client.post("/v1/chat/completions", Client.chat("m", "q" + i, 2, false))
                        .headers().firstValue("x-hearth-upstream")).hasValue("b");
            assertThat(a.requests()).isZero();
            a.draining(false);
            eventually(() -> ua.health().eligible());
            int before = a.requests();
            for (int i = 0; i < 6; i++) client.post("/v1/chat/completions", Client.chat("m", "r" + i, 2, false));
            assertThat(a.requests()).isGreaterThan(before);
        }
    }

    @Test
    void modelsReportedByAnUpstreamAreLearnedForRouting() throws Exception {
        try (MockUpstream r = new MockUpstream("r", "deep-thinker");
                Gateway gw = new Gateway(Configs.withTier(Configs.fast(), "reasoning")).start()) {
            // registered without a model list: what it serves is learned from its /v1/models
            assertThat(gw.tiers().get(1).serves("deep-thinker")).isFalse();
            gw.registry().register(new hearth.gateway.registry.Endpoint("r", "reasoning", r.url(), java.util.List.of(),
                    null, null, null, hearth.gateway.registry.Endpoint.Source.HTTP, null, 0));
            eventually(() -> gw.tiers().get(1).serves("deep-thinker"));
            try (Client client = new Client(gw.baseUri())) {
                var resp = client.post("/v1/chat/completions", Client.chat("deep-thinker", "q", 2, false));
                assertThat(resp.headers().firstValue("x-hearth-upstream")).hasValue("r");
            }
        }
    }
}
