package hearth.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.GatewayConfig.StaticUpstream;
import hearth.gateway.GatewayConfig.TierConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gateway keys with per-tier allow-lists, upstream keys injected per upstream, body limits, per-key rate limits. */
class SecurityTest {
    private static MockUpstream fast;
    private static MockUpstream reasoning;
    private static Gateway gateway;
    private static Client client;

    @BeforeAll
    static void start() throws Exception {
        fast = new MockUpstream("fast-1", "small");
        reasoning = new MockUpstream("reason-1", "big");
        GatewayConfig c = Configs.withTier(Configs.fast(), "reasoning", reasoning);
        List<TierConfig> tiers = new ArrayList<>();
        for (TierConfig t : c.tiers()) {
            if (t.name().equals("fast"))
                t = t.withUpstreams(List.of(new StaticUpstream("fast-1", fast.url().toString(), List.of("small"), "up-secret-fast", 0)));
            tiers.add(t);
        }
        var p = c.proxy();
        c = c.withTiers(tiers).withKeys(List.of(
                new KeyConfig("alice", "sk-alice", Set.of(), 0, 0),
                new KeyConfig("bob", "sk-bob", Set.of("fast"), 0, 0),
                new KeyConfig("carol", "sk-carol", Set.of(), 2, 2)))
                .withProxy(new GatewayConfig.ProxyConfig(p.connectTimeout(), p.headersTimeout(), p.idleTimeout(),
                        p.maxAttempts(), p.queueTimeout(), p.retryAfter(), p.cooldown(), p.cooldownMax(), 2048, p.responseBufferBytes()));
        gateway = new Gateway(c).start();
        client = new Client(gateway.baseUri());
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        fast.close();
        reasoning.close();
    }

    private static String body() {
        return Client.chat("small", "hi", 2, false);
    }

    @Test
    void aRequestWithoutKeyIsRefusedInOpenAiShape() throws Exception {
        var r = client.post("/v1/chat/completions", body());
        assertThat(r.statusCode()).isEqualTo(401);
        var e = Client.json(r.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("authentication_error");
        assertThat(e.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(e.has("message") && e.has("param")).isTrue();
        var wrong = client.post("/v1/chat/completions", body(), "Authorization", "Bearer sk-mallory");
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void aKeyOnlyReachesTheTiersItIsAllowed() throws Exception {
        assertThat(client.post("/v1/chat/completions", body(), "Authorization", "Bearer sk-bob").statusCode()).isEqualTo(200);
        var r = client.post("/reasoning/v1/chat/completions", Client.chat("big", "x", 2, false), "Authorization", "Bearer sk-bob");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Client.json(r.body()).path("error").path("message").asText()).contains("bob").contains("reasoning");
        // routing by model may not be used to sneak into a tier either
        var sneaky = client.post("/v1/chat/completions", Client.chat("big", "x", 2, false), "Authorization", "Bearer sk-bob");
        assertThat(sneaky.statusCode()).isEqualTo(403);
        assertThat(client.post("/reasoning/v1/chat/completions", Client.chat("big", "x", 2, false),
                "x-api-key", "sk-alice").statusCode()).isEqualTo(200);
    }

    @Test
    void theUpstreamGetsItsOwnKeyAndNeverTheClients() throws Exception {
        int before = fast.requestHeaders().size();
        assertThat(client.post("/v1/chat/completions", body(), "Authorization", "Bearer sk-alice").statusCode()).isEqualTo(200);
        var h = fast.requestHeaders().get(before);
        assertThat(h.get("Authorization")).containsExactly("Bearer up-secret-fast");
        assertThat(h.toString()).doesNotContain("sk-alice");
        assertThat(h.get("X-forwarded-for")).isNotEmpty();
        int rb = reasoning.requestHeaders().size();
        client.post("/reasoning/v1/chat/completions", Client.chat("big", "x", 2, false), "Authorization", "Bearer sk-alice");
        assertThat(reasoning.requestHeaders().get(rb)).doesNotContainKey("Authorization");
        assertThat(reasoning.requestHeaders().get(rb).get("X-forwarded-prefix")).containsExactly("/reasoning");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() throws Exception {
        String big = Client.chat("small", "x".repeat(4000), 2, false);
        var r = client.post("/v1/chat/completions", big, "Authorization", "Bearer sk-alice");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Client.json(r.body()).path("error").path("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void aBodyWithoutContentLengthIsForwardedWholeUnderTheLimitAndRefusedOverIt() throws Exception {
        String under = Client.chat("small", "y".repeat(1800), 3, false); // more than one read buffer, under 2048
        String over = Client.chat("small", "x".repeat(2100), 3, false);
        for (String body : List.of(under, over)) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var req = java.net.http.HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer sk-alice").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)))
                    .build(); // an InputStream publisher has no length: the body goes out chunked
            var r = client.http().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (body == under) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(Client.json(r.body()).path("choices").get(0).path("message").path("content").asText()).isEqualTo("t0 t1 t2 ");
            } else {
                assertThat(r.statusCode()).isEqualTo(413);
            }
        }
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfter() throws Exception {
        List<Integer> codes = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 5; i++) {
            var r = client.post("/v1/chat/completions", body(), "Authorization", "Bearer sk-carol");
            codes.add(r.statusCode());
            if (r.statusCode() == 429) {
                retryAfter = r.headers().firstValue("retry-after").orElse(null);
                assertThat(Client.json(r.body()).path("error").path("type").asText()).isEqualTo("rate_limit_error");
            }
        }
        // a burst of 2, refilled at 2/s: at least the third and later quick requests are refused
        assertThat(codes.subList(0, 2)).containsOnly(200);
        assertThat(codes).contains(429);
        assertThat(retryAfter).isEqualTo("1");
        // other keys are unaffected
        assertThat(client.post("/v1/chat/completions", body(), "Authorization", "Bearer sk-alice").statusCode()).isEqualTo(200);
    }
}
