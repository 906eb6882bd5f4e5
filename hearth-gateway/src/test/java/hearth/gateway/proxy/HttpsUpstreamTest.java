package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import hearth.gateway.testing.SelfSigned;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code https://} upstreams: trusted through {@code proxy.ca_file}, with the host name checked against the URL. */
class HttpsUpstreamTest {
    @TempDir
    static Path dir;

    private static SelfSigned forThisHost;
    private static SelfSigned forAnotherHost;

    @BeforeAll
    static void makeCertificates() throws Exception {
        SelfSigned[] certs = SelfSigned.create(dir, "upstream", "ip:127.0.0.1,dns:localhost", "elsewhere", "dns:elsewhere.invalid");
        forThisHost = certs[0];
        forAnotherHost = certs[1];
    }

    private static GatewayConfig trusting(GatewayConfig c, Path pem) {
        return c.withProxy(c.proxy().withCaFile(pem));
    }

    @Test
    void streamsPlainAnswersAndHealthChecksWorkWithAnUpstreamTrustedThroughTheCaFile() throws Exception {
        try (MockUpstream up = new MockUpstream("tls-1", forThisHost.serverContext(), "m");
                Gateway gw = new Gateway(trusting(Configs.withFast(up), forThisHost.pem())).start();
                Client client = new Client(gw.baseUri())) {
            assertThat(up.url().getScheme()).isEqualTo("https");
            Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 5, true));
            assertThat(s.completed()).as(s.toString()).isTrue();
            assertThat(s.events()).hasSize(5);
            assertThat(s.upstream()).isEqualTo("tls-1");
            var plain = client.post("/v1/chat/completions", Client.chat("m", "hi", 2, false));
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(Client.json(plain.body()).path("choices").get(0).path("message").path("content").asText()).isEqualTo("t0 t1 ");
            var upstream = gw.tiers().getFirst().upstreams().getFirst();
            eventually(() -> up.healthChecks() >= 2 && upstream.health().eligible());
        }
    }

    @Test
    void anUntrustedCertificateOrOneForAnotherHostGetsNoRequestAndTheClientA502SayingWhy() throws Exception {
        for (Path trusted : new Path[] {null, forAnotherHost.pem()}) {
            SelfSigned served = trusted == null ? forThisHost : forAnotherHost;
            try (MockUpstream up = new MockUpstream("tls-2", served.serverContext(), "m");
                    Gateway gw = new Gateway(oneAttempt(trusting(Configs.withoutActiveChecks(Configs.withFast(up)), trusted))).start();
                    Client client = new Client(gw.baseUri())) {
                var r = client.post("/v1/chat/completions", Client.chat("m", "hi", 2, false));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
                assertThat(Client.json(r.body()).path("error").path("message").asText()).contains("TLS handshake");
                assertThat(up.requests()).isZero();
            }
        }
    }

    /** A single attempt: the point is the handshake's failure, not the retries after it. */
    private static GatewayConfig oneAttempt(GatewayConfig c) {
        var p = c.proxy();
        return c.withProxy(new GatewayConfig.ProxyConfig(p.connectTimeout(), p.headersTimeout(), p.idleTimeout(), 1,
                p.queueTimeout(), p.retryAfter(), p.cooldown(), p.cooldownMax(), p.maxBodyBytes(), p.responseBufferBytes(),
                p.maxThreads(), p.virtualThreads(), p.relayLoop(), p.shortSlice(), p.eventLoops(), p.caFile()));
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
