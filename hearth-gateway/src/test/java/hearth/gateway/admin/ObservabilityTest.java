package hearth.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import org.junit.jupiter.api.Test;

/** {@code /metrics}, {@code /gateway/status} and {@code /health} report tiers, upstreams, health and load. */
class ObservabilityTest {
    @Test
    void metricsCountRequestsErrorsRetriesAndLatencyPerTierAndUpstream() throws Exception {
        try (MockUpstream ok = new MockUpstream("ok", "m"); MockUpstream broken = new MockUpstream("broken", "m").failWith(500);
                Gateway gw = new Gateway(Configs.withoutActiveChecks(Configs.withFast(ok, broken))).start();
                Client client = new Client(gw.baseUri())) {
            for (int i = 0; i < 4; i++)
                assertThat(client.stream("/v1/chat/completions", Client.chat("m", "q" + i, 2, true)).completed()).isTrue();
            var r = client.get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            String m = r.body();
            assertThat(m).contains("hearth_gateway_requests_total{code=\"200\",tier=\"fast\",upstream=\"ok\"} 4.0");
            assertThat(m).containsPattern("hearth_gateway_upstream_errors_total\\{kind=\"status_5xx\",tier=\"fast\",upstream=\"broken\"} [1-4]\\.0");
            assertThat(m).containsPattern("hearth_gateway_retries_total\\{tier=\"fast\"} [1-4]\\.0");
            assertThat(m).contains("hearth_gateway_request_duration_seconds_count{tier=\"fast\",upstream=\"ok\"} 4");
            assertThat(m).contains("hearth_gateway_first_byte_seconds_bucket{tier=\"fast\",upstream=\"ok\",le=\"+Inf\"} 4");
            assertThat(m).contains("hearth_gateway_in_flight_requests{tier=\"fast\",upstream=\"ok\"} 0.0");
            assertThat(m).contains("hearth_gateway_upstream_up{status=\"up\",tier=\"fast\",upstream=\"ok\"} 1.0");
            assertThat(m).contains("hearth_gateway_upstreams{tier=\"reasoning\"} 0.0");
        }
    }

    @Test
    void statusShowsTiersUpstreamsHealthAndLoad() throws Exception {
        try (MockUpstream a = new MockUpstream("a", "m").tokenDelayMillis(100); MockUpstream d = new MockUpstream("d", "m").draining(true);
                Gateway gw = new Gateway(Configs.withFast(a, d)).start();
                Client client = new Client(gw.baseUri())) {
            Thread.sleep(300); // a few probes
            Thread stream = Thread.ofVirtual().start(() -> {
                try {
                    client.stream("/v1/chat/completions", Client.chat("m", "slow", 10, true));
                } catch (InterruptedException ignored) {
                    // test over
                }
            });
            while (a.activeStreams() == 0) Thread.sleep(10);
            var s = Client.json(client.get("/gateway/status").body());
            var fast = s.path("tiers").get(0);
            assertThat(fast.path("name").asText()).isEqualTo("fast");
            assertThat(fast.path("prefix").asText()).isEqualTo("/");
            assertThat(fast.path("healthy").asInt()).isEqualTo(1);
            assertThat(fast.path("in_flight").asInt()).isEqualTo(1);
            var ua = fast.path("upstreams").get(0);
            var ud = fast.path("upstreams").get(1);
            assertThat(ua.path("name").asText()).isEqualTo("a");
            assertThat(ua.path("status").asText()).isEqualTo("up");
            assertThat(ua.path("in_flight").asInt()).isEqualTo(1);
            assertThat(ud.path("status").asText()).isEqualTo("unavailable");
            assertThat(ud.path("eligible").asBoolean()).isFalse();
            assertThat(ud.path("last_error").asText()).contains("503");
            stream.join(5000);
            var h = client.get("/health");
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(Client.json(h.body()).path("tiers").path("fast").path("healthy").asInt()).isEqualTo(1);
        }
    }

    @Test
    void healthIs503WhenNoTierHasAHealthyUpstream() throws Exception {
        try (Gateway gw = new Gateway(Configs.fast()).start(); Client client = new Client(gw.baseUri())) {
            var h = client.get("/health");
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(Client.json(h.body()).path("status").asText()).isEqualTo("no healthy upstream");
            assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
