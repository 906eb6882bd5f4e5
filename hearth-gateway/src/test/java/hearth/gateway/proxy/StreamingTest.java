package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SSE passes through event by event, plain bodies whole, and a leaving client cancels the upstream request. */
class StreamingTest {
    private MockUpstream upstream;
    private Gateway gateway;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        upstream = new MockUpstream("solo", "m");
        gateway = new Gateway(Configs.withFast(upstream)).start();
        client = new Client(gateway.baseUri());
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void eventsReachTheClientAsTheUpstreamSendsThemNotAtTheEnd() throws Exception {
        upstream.tokenDelayMillis(150);
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 5, true));
        assertThat(s.completed()).as(s.toString()).isTrue();
        assertThat(s.events()).hasSize(5);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < 5; i++) gaps.add((s.arrivalNanos().get(i) - s.arrivalNanos().get(i - 1)) / 1_000_000);
        // buffered delivery would put all events within a few ms of each other
        assertThat(gaps).allSatisfy(g -> assertThat(g).isGreaterThan(75));
        for (int i = 0; i < 5; i++)
            assertThat(s.events().get(i).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("t" + i + " ");
    }

    @Test
    void aPlainResponseArrivesWholeWithItsLength() throws Exception {
        var r = client.post("/v1/chat/completions", Client.chat("m", "hi", 4, false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(r.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(Client.json(r.body()).path("choices").get(0).path("message").path("content").asText()).isEqualTo("t0 t1 t2 t3 ");
    }

    @Test
    void aClientThatLeavesMidStreamCancelsTheUpstreamRequest() throws Exception {
        upstream.tokenDelayMillis(40);
        HttpRequest req = HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(Client.chat("m", "long answer", 200, true)))
                .header("Content-Type", "application/json").build();
        HttpResponse<InputStream> r = client.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = r.body();
        in.readNBytes(200); // a few events
        in.close(); // the client goes away; 200 tokens would take 8 s
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (upstream.cancelledStreams() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(upstream.cancelledStreams()).isEqualTo(1);
        assertThat(upstream.completedStreams()).isZero();
        assertThat(gateway.tiers().getFirst().upstreams().getFirst().inFlight()).isZero();
    }
}
