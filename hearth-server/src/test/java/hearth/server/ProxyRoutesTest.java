package hearth.server;

import static hearth.server.backend.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.backend.ProxyBackend;
import hearth.server.backend.proxy.MultipartBodies;
import hearth.server.fakes.FakeEngine;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hearth in front of an OpenAI-compatible engine (a stand-in in this JVM): forwarding, streaming, checks, metrics. */
class ProxyRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CLIENT = "Authorization";
    FakeEngine engine;
    TestServer hearth;

    TestServer start(ServerConfig cfg, boolean pins, Map<String, String> knobs) throws Exception {
        engine = FakeEngine.inProcess("llama-server", "glm-5", knobs);
        ProxyBackend backend = new ProxyBackend("glm-5", pins, URI.create("http://127.0.0.1:" + engine.port()), "upstream-key",
                Duration.ofSeconds(30), Duration.ofMillis(200));
        hearth = TestServer.over(cfg, backend);
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(10))).isTrue();
        return hearth;
    }

    @AfterEach
    void stop() {
        if (hearth != null) hearth.close();
        if (engine != null) engine.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aChatIsForwardedWithTheUpstreamKeyNotTheClientsAndItsUsageCounted() throws Exception {
        start(ServerConfig.defaults().withApiKeys(List.of("client-key")), false, Map.of());
        HttpResponse<String> r = hearth.post("/v1/chat/completions", "{\"model\":\"glm-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                CLIENT, "Bearer client-key");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello from llama-server");
        assertThat(body.at("/x_fake/authorization").asText()).isEqualTo("Bearer upstream-key");
        String metrics = hearth.get("/metrics", CLIENT, "Bearer client-key").body();
        assertThat(metrics).contains("hearth_prompt_tokens_total{model=\"glm-5\"} 3.0", "hearth_generation_tokens_total{model=\"glm-5\"} 4.0",
                "hearth_engine_up{model=\"glm-5\",upstream=\"http://127.0.0.1:" + engine.port() + "\"} 1.0");
    }

    @Test
    void withoutHearthsKeyNothingReachesTheEngine() throws Exception {
        start(ServerConfig.defaults().withApiKeys(List.of("client-key")), false, Map.of());
        HttpResponse<String> r = hearth.post("/v1/chat/completions", "{\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(engine.lastBody).isNull();
    }

    @Test
    void aStreamIsPassedOnEventByEventWithUsageCounted() throws Exception {
        start(ServerConfig.defaults(), false, Map.of("FAKE_TOKENS", "5", "FAKE_TOKEN_MS", "150"));
        try (RawHttp raw = new RawHttp(hearth, "/v1/chat/completions",
                "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
            assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            long t0 = System.nanoTime();
            String first = raw.nextData();
            long firstMs = (System.nanoTime() - t0) / 1_000_000;
            List<String> rest = new ArrayList<>();
            for (String d; (d = raw.nextData()) != null && !d.equals("data: [DONE]"); ) rest.add(d);
            long allMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(first).contains("\"content\":\"tok0 \"");
            assertThat(rest).hasSize(5);
            assertThat(rest.get(3)).contains("tok4");
            assertThat(rest.get(4)).contains("\"usage\"");
            // the first event came before the engine had finished: nothing was buffered
            assertThat(allMs - firstMs).isGreaterThan(400);
        }
        assertThat(await(() -> hearth.get("/metrics").body().contains("hearth_generation_tokens_total{model=\"glm-5\"} 5.0"),
                Duration.ofSeconds(5))).isTrue();
        assertThat(hearth.get("/metrics").body()).contains("hearth_prompt_tokens_total{model=\"glm-5\"} 11.0");
    }

    @Test
    void aClientThatHangsUpStopsTheEnginesGeneration() throws Exception {
        start(ServerConfig.defaults(), false, Map.of("FAKE_TOKENS", "200", "FAKE_TOKEN_MS", "20"));
        try (RawHttp raw = new RawHttp(hearth, "/v1/completions", "{\"stream\":true,\"prompt\":\"a\"}")) {
            assertThat(raw.nextData()).contains("tok0");
        }
        assertThat(await(() -> engine.clientsGone.get() == 1, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void hearthsTokenCapLowersMaxTokensAndFillsItIn() throws Exception {
        start(ServerConfig.defaults().withLimits(0, 16), false, Map.of());
        assertThat(json(hearth.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1000}")).at("/x_fake/max_tokens").asInt()).isEqualTo(16);
        assertThat(json(hearth.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":8}")).at("/x_fake/max_tokens").asInt()).isEqualTo(8);
        assertThat(json(hearth.post("/completions", "{\"prompt\":\"a\"}")).at("/x_fake/max_tokens").asInt()).isEqualTo(16);
    }

    @Test
    void aPinnedEngineServesOnlyItsModelAndNamesItWhenTheClientDoesNot() throws Exception {
        start(ServerConfig.defaults(), true, Map.of());
        HttpResponse<String> wrong = hearth.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(json(wrong).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(json(hearth.post("/chat/completions", "{\"messages\":[]}")).at("/x_fake/request_model").asText()).isEqualTo("glm-5");
        assertThat(json(hearth.get("/v1/models")).at("/data/0/id").asText()).isEqualTo("glm-5");
    }

    @Test
    void refusalsComeFromHearthInOpenAiShape() throws Exception {
        start(ServerConfig.defaults().withMaxBodyBytes(2000), false, Map.of());
        HttpResponse<String> big = hearth.post("/v1/completions", "{\"prompt\":\"" + "x".repeat(3000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> bad = hearth.post("/v1/completions", "{\"prompt\":");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/code").asText()).isEqualTo("invalid_json");
        assertThat(engine.lastBody).isNull();
    }

    @Test
    void anEngineThatIsGoneIs503() throws Exception {
        start(ServerConfig.defaults(), false, Map.of());
        engine.close();
        HttpResponse<String> r = hearth.post("/v1/completions", "{\"prompt\":\"a\"}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).at("/error/type").asText()).isEqualTo("server_error");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 503, Duration.ofSeconds(15))).isTrue();
    }

    @Test
    void imageGenerationsAreCheckedThenForwarded() throws Exception {
        start(ServerConfig.defaults(), true, Map.of());
        HttpResponse<String> bad = hearth.post("/v1/images/generations", "{\"prompt\":\"a fox\",\"size\":\"1000x1000\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/param").asText()).isEqualTo("size");
        assertThat(hearth.post("/v1/images/generations", "{\"prompt\":\"a fox\",\"model\":\"dall-e-3\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> ok = hearth.post("/v1/images/generations", "{\"prompt\":\"a fox\",\"n\":2,\"size\":\"1024x1024\",\"response_format\":\"b64_json\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).at("/data")).hasSize(2);
        assertThat(json(ok).at("/x_fake_request/size").asText()).isEqualTo("1024x1024");
    }

    @Test
    void imageEditsAreCheckedAsMultipartAndForwardedUnchanged() throws Exception {
        start(ServerConfig.defaults(), true, Map.of());
        byte[] body = new MultipartBodies().file("image", "cat.png", "image/png", MultipartBodies.PNG).field("prompt", "add a hat")
                .field("n", "1").build();
        HttpResponse<String> ok = hearth.send(HttpRequest.newBuilder(hearth.uri("/v1/images/edits"))
                .header("Content-Type", MultipartBodies.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode seen = json(ok).at("/x_fake_request");
        assertThat(seen.path("content_type").asText()).isEqualTo(MultipartBodies.CONTENT_TYPE);
        assertThat(seen.path("bytes").asInt()).isEqualTo(body.length);
        assertThat(seen.path("fields")).extracting(JsonNode::asText).containsExactly("image", "prompt", "n");

        byte[] noImage = new MultipartBodies().field("prompt", "add a hat").build();
        HttpResponse<String> bad = hearth.send(HttpRequest.newBuilder(hearth.uri("/v1/images/edits"))
                .header("Content-Type", MultipartBodies.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(noImage)).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/param").asText()).isEqualTo("image");
        assertThat(hearth.post("/v1/images/edits", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(400);
    }
}
