package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries before the first byte, clean error events after it, no traffic to 503s, bounded waits. */
class FailoverTest {
    private final List<MockUpstream> upstreams = new ArrayList<>();
    private Gateway gateway;
    private Client client;
    /** Bound but not listening: connections to them are refused, and nothing else (the gateway) can take the ports. */
    private final List<Socket> heldPorts = new ArrayList<>();

    private MockUpstream upstream(String name) throws Exception {
        MockUpstream u = new MockUpstream(name, "m");
        upstreams.add(u);
        return u;
    }

    private void start(GatewayConfig c) {
        gateway = new Gateway(c).start();
        client = new Client(gateway.baseUri());
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (gateway != null) gateway.close();
        upstreams.forEach(MockUpstream::close);
        for (Socket s : heldPorts) {
            try {
                s.close();
            } catch (java.io.IOException ignored) {
                // the test is over
            }
        }
    }

    private int refusingPort() throws Exception {
        Socket s = new Socket();
        heldPorts.add(s);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s.getLocalPort();
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherUpstream() throws Exception {
        MockUpstream live = upstream("live");
        GatewayConfig c = Configs.withoutActiveChecks(Configs.withFast(live));
        TierConfig fast = c.tiers().getFirst();
        List<StaticUpstream> ups = new ArrayList<>(fast.upstreams());
        ups.addFirst(new StaticUpstream("dead", "http://127.0.0.1:" + refusingPort(), List.of("m"), null, 0));
        List<TierConfig> tiers = new ArrayList<>(c.tiers());
        tiers.set(0, fast.withUpstreams(ups));
        start(c.withTiers(tiers));
        for (int i = 0; i < 6; i++) {
            var r = client.post("/v1/chat/completions", Client.chat("m", "q" + i, 2, false));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("live");
        }
        assertThat(live.requests()).isEqualTo(6);
        var status = Client.json(client.get("/gateway/status").body());
        var dead = status.path("tiers").get(0).path("upstreams").findValues("name");
        assertThat(dead.toString()).contains("dead");
        assertThat(status.toString()).contains("\"status\":\"down\"");
    }

    @Test
    void anUpstreamThatDiesMidStreamEndsTheStreamWithACleanErrorEvent() throws Exception {
        MockUpstream a = upstream("a").tokenDelayMillis(50);
        MockUpstream b = upstream("b").tokenDelayMillis(50);
        start(Configs.withFast(a, b));
        Thread killer = Thread.ofVirtual().start(() -> {
            try {
                while (a.activeStreams() + b.activeStreams() == 0) Thread.sleep(5);
                Thread.sleep(150);
                (a.activeStreams() > 0 ? a : b).kill();
            } catch (InterruptedException ignored) {
                // test over
            }
        });
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 100, true));
        killer.join(5000);
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.failure()).as("the stream must end properly, not be cut").isNull();
        assertThat(s.done()).isFalse();
        assertThat(s.events()).isNotEmpty().hasSizeLessThan(100);
        assertThat(s.error()).isNotNull();
        assertThat(s.error().path("message").asText()).contains("failed mid-stream");
        assertThat(s.error().path("type").asText()).isEqualTo("server_error");
        // the survivor takes the next request
        Client.Stream next = client.stream("/v1/chat/completions", Client.chat("m", "again", 3, true));
        assertThat(next.completed()).as(next.toString()).isTrue();
        assertThat(next.upstream()).isNotEqualTo(s.upstream());
    }

    @Test
    void anUpstreamAnswering503WhileDrainingGetsNoNewTraffic() throws Exception {
        MockUpstream draining = upstream("draining").draining(true);
        MockUpstream ok = upstream("ok");
        start(Configs.withFast(draining, ok));
        for (int i = 0; i < 8; i++) {
            var r = client.post("/v1/chat/completions", Client.chat("m", "q" + i, 2, false));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("ok");
        }
        // at most the request that found out before the first health check did
        assertThat(draining.requests()).isLessThanOrEqualTo(1);
    }

    @Test
    void withNoHealthyUpstreamTheClientWaitsABoundedTimeThenGets503WithRetryAfter() throws Exception {
        MockUpstream a = upstream("a").draining(true);
        start(Configs.withFast(a));
        long t0 = System.nanoTime();
        var r = client.post("/v1/chat/completions", Client.chat("m", "q", 2, false));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        var err = Client.json(r.body()).path("error");
        assertThat(err.path("type").asText()).isEqualTo("server_error");
        assertThat(err.path("code").asText()).isEqualTo("no_healthy_upstream");
        assertThat(err.has("param")).isTrue();
        assertThat(ms).isBetween(1000L, 4000L);
    }

    @Test
    void aWaitingRequestIsServedAsSoonAsAnUpstreamComesBack() throws Exception {
        MockUpstream a = upstream("a").draining(true);
        start(Configs.withQueueTimeout(Configs.withFast(a), Duration.ofSeconds(4)));
        Thread.sleep(200); // let the first probe mark it unavailable
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(400);
                a.draining(false);
            } catch (InterruptedException ignored) {
                // test over
            }
        });
        long t0 = System.nanoTime();
        var r = client.post("/v1/chat/completions", Client.chat("m", "q", 2, false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 2000L);
    }

    @Test
    void aServerErrorIsRetriedElsewhereAndRelayedWhenEveryUpstreamFails() throws Exception {
        MockUpstream bad = upstream("bad").failWith(500);
        MockUpstream good = upstream("good");
        start(Configs.withoutActiveChecks(Configs.withFast(bad, good)));
        for (int i = 0; i < 4; i++) {
            var r = client.post("/v1/chat/completions", Client.chat("m", "q" + i, 2, false));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-hearth-upstream")).hasValue("good");
        }
        good.failWith(502);
        var r = client.post("/v1/chat/completions", Client.chat("m", "q", 2, false));
        assertThat(r.statusCode()).isIn(500, 502);
        assertThat(Client.json(r.body()).path("error").path("message").asText()).isEqualTo("mock failure");
    }

    @Test
    void anUpstreamSlowerThanTheHeadersTimeoutIsTreatedAsFailedAndRetried() throws Exception {
        MockUpstream slow = upstream("slow").headerDelayMillis(3000);
        MockUpstream quick = upstream("quick");
        GatewayConfig c = Configs.withoutActiveChecks(Configs.withFast(slow, quick));
        var p = c.proxy();
        c = c.withProxy(new GatewayConfig.ProxyConfig(p.connectTimeout(), Duration.ofMillis(300), p.idleTimeout(),
                p.maxAttempts(), p.queueTimeout(), p.retryAfter(), p.cooldown(), p.cooldownMax(), p.maxBodyBytes(),
                p.responseBufferBytes()));
        start(c);
        for (int i = 0; i < 3; i++) {
            Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "q" + i, 3, true));
            assertThat(s.completed()).as(s.toString()).isTrue();
            assertThat(s.upstream()).isEqualTo("quick");
        }
    }

    @Test
    void anUpstreamThatFallsSilentMidStreamEndsTheStreamWithAnErrorAfterTheIdleTimeout() throws Exception {
        MockUpstream stuck = upstream("stuck").tokenDelayMillis(5000);
        GatewayConfig c = Configs.withFast(stuck);
        var p = c.proxy();
        c = c.withProxy(new GatewayConfig.ProxyConfig(p.connectTimeout(), p.headersTimeout(), Duration.ofMillis(400),
                p.maxAttempts(), p.queueTimeout(), p.retryAfter(), p.cooldown(), p.cooldownMax(), p.maxBodyBytes(),
                p.responseBufferBytes()));
        start(c);
        long t0 = System.nanoTime();
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "q", 3, true));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        assertThat(s.events()).hasSize(1);
        assertThat(s.endedWithCleanError()).as(s.toString()).isTrue();
        assertThat(s.error().path("message").asText()).contains("sent nothing");
    }
}
