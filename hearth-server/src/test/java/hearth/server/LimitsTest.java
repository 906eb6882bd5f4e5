package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Queue size, context and token limits, and the loading phase, seen from a client. */
class LimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String completion(String prompt, int maxTokens) {
        return "{\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0}";
    }

    @Test
    void aFullQueueIsAnswered429WithRetryAfter() throws Exception {
        // one slot, one queue place, 20 tokens/s: two 10-token requests hold both for about a second
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 1, 256), 20, 0)) {
            HttpRequest slow = HttpRequest.newBuilder(s.uri("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(completion("a", 10))).build();
            CompletableFuture<HttpResponse<String>> first = s.http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            awaitRunning(s, 1);
            CompletableFuture<HttpResponse<String>> second = s.http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            awaitWaiting(s, 1);
            HttpResponse<String> third = s.post("/v1/completions", completion("c", 10));
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(JSON.readTree(third.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(s.post("/v1/completions", completion("d", 2)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPromptThatCannotFitIsA400WithTheNumbers() throws Exception {
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 64), 0, 0)) {
            HttpResponse<String> r = s.post("/v1/completions", completion("x".repeat(100), 5));
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode e = JSON.readTree(r.body()).get("error");
            assertThat(e.get("message").asText()).contains("100 tokens").contains("64");
            assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        }
    }

    @Test
    void maxTokensAboveTheServerLimitIsLoweredToIt() throws Exception {
        try (TestServer s = TestServer.mock(ServerConfig.defaults().withLimits(0, 5), TestServer.mockConfig(1, 4, 256), 0, 0)) {
            JsonNode r = JSON.readTree(s.post("/v1/completions", completion("abc", 100)).body());
            assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(5);
            assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        }
    }

    @Test
    void generationStopsAtTheEndOfTheContext() throws Exception {
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 32), 0, 0)) {
            JsonNode r = JSON.readTree(s.post("/v1/completions", completion("x".repeat(20), 1000)).body());
            assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(12);
            assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        }
    }

    @Test
    void whileTheModelLoadsRequestsAre503AndLivenessIsOk() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EmbeddedBackend backend = EmbeddedBackend.loading(MockEngine.MODEL_ID, () -> {
            release.await();
            return MockEngine.create(TestServer.mockConfig(1, 4, 256), 0, 0);
        });
        try (TestServer s = TestServer.over(ServerConfig.defaults(), backend)) {
            HttpResponse<String> r = s.post("/v1/completions", completion("a", 2));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(r.body()).at("/error/message").asText()).isEqualTo("Loading model");
            assertThat(s.get("/health").statusCode()).isEqualTo(503);
            assertThat(s.get("/readyz").body()).contains("loading");
            assertThat(s.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(s.get("/v1/models").statusCode()).isEqualTo(503);
            release.countDown();
            backend.loaded().get(10, TimeUnit.SECONDS);
            assertThat(s.get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(s.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(s.post("/v1/completions", completion("a", 2)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPendingModelLoadsOnlyOnceAskedSoThePortCanComeUpFirst() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        EmbeddedBackend backend = EmbeddedBackend.pending(MockEngine.MODEL_ID, () -> {
            calls.incrementAndGet();
            return MockEngine.create(TestServer.mockConfig(1, 4, 256), 0, 0);
        });
        try (TestServer s = TestServer.over(ServerConfig.defaults(), backend)) {
            assertThat(s.get("/readyz").body()).contains("loading");
            assertThat(calls.get()).isZero();
            backend.startLoading();
            backend.startLoading(); // once only
            backend.loaded().get(10, TimeUnit.SECONDS);
            assertThat(s.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void aModelThatFailedToLoadIsReportedByHealth() throws Exception {
        EmbeddedBackend backend = EmbeddedBackend.loading("broken", () -> {
            throw new java.io.IOException("not a GGUF file");
        });
        try (TestServer s = TestServer.over(ServerConfig.defaults(), backend)) {
            assertThat(backend.loaded()).failsWithin(10, TimeUnit.SECONDS);
            HttpResponse<String> h = s.get("/health");
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).contains("not a GGUF file");
            assertThat(s.post("/v1/completions", completion("a", 2)).statusCode()).isEqualTo(503);
        }
    }

    static void awaitRunning(TestServer s, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.server.backend().stats().running() < n && System.nanoTime() < end) Thread.sleep(5);
        assertThat(s.server.backend().stats().running()).isGreaterThanOrEqualTo(n);
    }

    static void awaitWaiting(TestServer s, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.server.backend().stats().waiting() < n && System.nanoTime() < end) Thread.sleep(5);
        assertThat(s.server.backend().stats().waiting()).isGreaterThanOrEqualTo(n);
    }
}
