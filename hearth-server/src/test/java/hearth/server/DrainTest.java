package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.lifecycle.GracefulShutdown;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Draining: new requests 503 and readyz false, while requests in flight finish; a second signal exits at once. */
class DrainTest {
    @Test
    void inFlightRequestsFinishWhileNewOnesAreTurnedAway() throws Exception {
        TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(2, 4, 256), 20, 0);
        CountDownLatch exited = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(-1);
        GracefulShutdown shutdown = new GracefulShutdown(s.server, Duration.ofSeconds(10), code -> {
            status.set(code);
            exited.countDown();
        }, () -> status.set(99));
        try {
            HttpRequest slow = HttpRequest.newBuilder(s.uri("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a\",\"max_tokens\":15}")).build();
            CompletableFuture<HttpResponse<String>> inFlight = s.http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            LimitsTest.awaitRunning(s, 1);
            shutdown.onSignal("TERM");
            HttpResponse<String> late = s.post("/v1/completions", "{\"prompt\":\"b\",\"max_tokens\":1}");
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.body()).contains("shutting down");
            assertThat(s.get("/readyz").statusCode()).isEqualTo(503);
            assertThat(s.get("/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> done = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("\"completion_tokens\":15");
            assertThat(exited.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(status.get()).isZero();
        } finally {
            s.close();
        }
    }

    @Test
    void aSecondSignalHaltsWithoutWaiting() throws Exception {
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 256), 5, 0)) {
            AtomicInteger halted = new AtomicInteger();
            GracefulShutdown shutdown = new GracefulShutdown(s.server, Duration.ofSeconds(30), code -> {}, halted::incrementAndGet);
            s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a\",\"max_tokens\":100}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            LimitsTest.awaitRunning(s, 1);
            shutdown.onSignal("TERM");
            assertThat(halted.get()).isZero();
            shutdown.onSignal("TERM");
            assertThat(halted.get()).isEqualTo(1);
        }
    }
}
