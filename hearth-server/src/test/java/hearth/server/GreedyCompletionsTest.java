package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.GenerateRequest;
import hearth.engine.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Temperature 0 through /v1/completions gives exactly the engine's greedy output, alone and 8 requests at once. The
 * prompts are the conformance prompts, whose 32-token greedy continuations are llama.cpp's (the engine matches them);
 * other prompts can hit near-ties whose outcome depends on float rounding.
 */
class GreedyCompletionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IDS = List.of("once_upon", "lily_tom", "little_dog");
    private static final int MAX_TOKENS = 32;
    private static final List<String> PROMPTS = new ArrayList<>();
    private static TestServer server;
    private static Map<String, String> reference;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.stories(ServerConfig.defaults(), 8);
        var cfg = EngineConfig.of(TestData.require(TestServer.STORIES)).withThreads(1).withContextSize(2048).withPrefixCache(false);
        reference = new java.util.HashMap<>();
        try (Engine e = Engine.load(cfg)) {
            for (String id : IDS) {
                JsonNode v = JSON.readTree(TestData.require("conformance/stories260K__" + id + ".json").toFile());
                String p = v.get("prompt").asText();
                String text = e.generate(GenerateRequest.greedy("ref", e.tokenizer().encode(p, true, true), MAX_TOKENS), null).text();
                assertThat(text).as("engine vs llama.cpp for %s", id).isEqualTo(v.get("output_text").asText());
                PROMPTS.add(p);
                reference.put(p, text);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static HttpRequest request(URI uri, String prompt) throws IOException {
        String body = JSON.writeValueAsString(Map.of("prompt", prompt, "temperature", 0, "max_tokens", MAX_TOKENS));
        return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String text(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.at("/usage/completion_tokens").asInt()).isLessThanOrEqualTo(MAX_TOKENS);
        return n.at("/choices/0/text").asText();
    }

    @Test
    void oneRequestEqualsTheEngine() throws IOException {
        String p = PROMPTS.getFirst();
        assertThat(text(server.send(request(server.uri("/v1/completions"), p)))).isEqualTo(reference.get(p)).isNotEmpty();
    }

    @Test
    void eightConcurrentRequestsEachEqualTheEngine() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(server.http.sendAsync(request(server.uri("/v1/completions"), PROMPTS.get(i % 3)), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 8; i++) {
            String p = PROMPTS.get(i % 3);
            assertThat(text(futures.get(i).get())).as(p).isEqualTo(reference.get(p));
        }
    }
}
