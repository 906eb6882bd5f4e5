package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.EngineConfig;
import hearth.engine.TestData;
import hearth.server.router.RouterLimits;
import hearth.server.router.RouterModels;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Router administration over HTTP: status, load, unload, the event stream, keys, 503 while loading, metrics by model. */
class RouterAdminTest {
    static final String KEY = "sk-admin";
    static final String[] AUTH = {"Authorization", "Bearer " + KEY};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void models() throws Exception {
        for (String m : List.of("stories260K", "llama-2-tiny-random")) Files.copy(TestData.require("models/" + m + ".gguf"), dir.resolve(m + ".gguf"));
        Files.writeString(dir.resolve("models.toml"), "[stories260K]\nalias = \"tiny\"\nidle-ttl = \"1h\"\n");
    }

    private void start(RouterLimits limits) {
        EngineConfig engine = EngineConfig.of(dir).withThreads(1).withContextSize(256).withParallel(1);
        s = TestServer.router(ServerConfig.defaults().withApiKeys(List.of(KEY)), RouterModels.embedded(dir, engine, limits));
    }

    @AfterEach
    void stop() {
        if (s != null) s.close();
    }

    private JsonNode post(String path, String body, int status) throws Exception {
        HttpResponse<String> r = s.post(path, body, AUTH);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private JsonNode card(String id) throws Exception {
        HttpResponse<String> r = s.get("/v1/models/" + id, AUTH);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void modelsListStatusMemoryAndLastUse() throws Exception {
        start(RouterLimits.defaults().withMemory(64L << 20));
        post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Once\",\"max_tokens\":2}", 200);
        JsonNode list = JSON.readTree(s.get("/models", AUTH).body());
        System.out.println("GET /models:\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));

        assertThat(list.path("object").asText()).isEqualTo("list");
        JsonNode stories = list.path("data").get(1);
        assertThat(stories.path("id").asText()).isEqualTo("stories260K");
        assertThat(stories.path("status").asText()).isEqualTo("loaded");
        assertThat(stories.path("aliases")).extracting(JsonNode::asText).contains("tiny");
        assertThat(stories.path("memory").path("weights_bytes").asLong()).isEqualTo(Files.size(dir.resolve("stories260K.gguf")));
        assertThat(stories.path("memory").path("kv_cache_bytes").asLong()).isEqualTo(5L * 256 * 4 * 8 * 2 * 2);
        assertThat(stories.path("last_used").asText()).endsWith("Z");
        assertThat(stories.path("idle_ttl_s").asLong()).isEqualTo(3600);
        assertThat(list.path("data").get(0).path("status").asText()).isEqualTo("unloaded");
        assertThat(list.path("data").get(0).path("last_used").isNull()).isTrue();
        assertThat(list.path("router").path("memory_limit_bytes").asLong()).isEqualTo(64L << 20);
        assertThat(list.path("router").path("memory_used_bytes").asLong()).isEqualTo(stories.path("memory").path("estimated_bytes").asLong());
        assertThat(JSON.readTree(s.get("/v1/models", AUTH).body())).isEqualTo(list);
    }

    @Test
    void loadAndUnloadOnRequest() throws Exception {
        start(RouterLimits.defaults());
        assertThat(post("/models/load", "{\"model\":\"llama-2-tiny-random\",\"wait\":true}", 200).path("status").asText()).isEqualTo("loaded");
        assertThat(card("llama-2-tiny-random").path("load_ms").isNumber()).isTrue();
        assertThat(post("/models/unload", "{\"model\":\"llama-2-tiny-random\"}", 200).path("status").asText()).isEqualTo("unloaded");
        JsonNode started = post("/models/load", "{\"model\":\"tiny\"}", 202);
        assertThat(started.path("id").asText()).isEqualTo("stories260K");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!card("stories260K").path("status").asText().equals("loaded") && System.nanoTime() < end) Thread.sleep(20);
        assertThat(card("stories260K").path("status").asText()).isEqualTo("loaded");
        assertThat(post("/models/load", "{\"model\":\"nope\"}", 404).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(post("/models/unload", "{}", 400).path("error").path("param").asText()).isEqualTo("model");
    }

    @Test
    void everyRouterRouteWantsTheKey() throws Exception {
        start(RouterLimits.defaults());
        assertThat(s.get("/models").statusCode()).isEqualTo(401);
        assertThat(s.get("/v1/models").statusCode()).isEqualTo(401);
        assertThat(s.get("/models/events").statusCode()).isEqualTo(401);
        assertThat(s.post("/models/load", "{\"model\":\"tiny\"}").statusCode()).isEqualTo(401);
        assertThat(s.post("/models/unload", "{\"model\":\"tiny\"}").statusCode()).isEqualTo(401);
        assertThat(card("stories260K").path("status").asText()).isEqualTo("unloaded");
    }

    @Test
    void aModelStillLoadingAnswers503WithRetryAfter() throws Exception {
        start(RouterLimits.defaults().withLoadWait(Duration.ZERO));
        HttpResponse<String> r = s.post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once\",\"max_tokens\":2}", AUTH);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("model_loading");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!card("stories260K").path("status").asText().equals("loaded") && System.nanoTime() < end) Thread.sleep(20);
        post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once\",\"max_tokens\":2}", 200);
    }

    @Test
    void theEventStreamShowsASnapshotThenLoadsAndUnloads() throws Exception {
        start(RouterLimits.defaults());
        HttpRequest req = HttpRequest.newBuilder(s.uri("/models/events")).header(AUTH[0], AUTH[1]).GET().build();
        HttpResponse<Stream<String>> r = s.http.send(req, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> body = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            Iterator<String> lines = body.filter(l -> l.startsWith("data: ")).iterator();
            assertThat(lines.next()).contains("\"type\":\"snapshot\"").contains("{\"id\":\"stories260K\",\"status\":\"unloaded\"}");

            post("/models/load", "{\"model\":\"stories260K\",\"wait\":true}", 200);
            post("/models/unload", "{\"model\":\"stories260K\"}", 200);
            List<String> types = new ArrayList<>();
            while (types.size() < 4) {
                JsonNode e = JSON.readTree(lines.next().substring(6));
                if (e.path("type").asText().equals("progress")) continue;
                assertThat(e.path("model").asText()).isEqualTo("stories260K");
                types.add(e.path("type").asText() + (e.has("reason") ? "(" + e.path("reason").asText() + ")" : ""));
            }
            assertThat(types).containsExactly("loading", "loaded", "unloading(admin)", "unloaded(admin)");
            s.server.close();  // the stream ends with a shutdown event
            assertThat(lines.next()).isEqualTo("data: {\"type\":\"shutdown\"}");
            assertThat(lines.hasNext()).isFalse();
        }
    }

    @Test
    void anEventStreamThatSeesTheDrainBetweenEventsStillEndsWithTheShutdownEvent() throws Exception {
        start(RouterLimits.defaults());
        HttpRequest req = HttpRequest.newBuilder(s.uri("/models/events")).header(AUTH[0], AUTH[1]).GET().build();
        HttpResponse<Stream<String>> r = s.http.send(req, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> body = r.body()) {
            Iterator<String> lines = body.filter(l -> l.startsWith("data: ")).iterator();
            assertThat(lines.next()).contains("\"type\":\"snapshot\"");
            s.server.drain(Duration.ZERO);  // draining, but the router is still open: no shutdown event from it yet
            ((RouterModels) s.server.models()).router().load("stories260K");
            List<String> rest = new ArrayList<>();
            lines.forEachRemaining(rest::add);
            assertThat(rest).isNotEmpty();
            assertThat(rest.getLast()).isEqualTo("data: {\"type\":\"shutdown\"}");
            assertThat(rest.subList(0, rest.size() - 1)).noneMatch(l -> l.contains("shutdown"));
        }
    }

    @Test
    void metricsAndRequestCountsCarryTheModel() throws Exception {
        start(RouterLimits.defaults());
        post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Once\",\"max_tokens\":3}", 200);
        post("/v1/completions", "{\"model\":\"llama-2-tiny-random\",\"prompt\":\"Once\",\"max_tokens\":2}", 200);
        String m = s.get("/metrics", AUTH).body();
        assertThat(m).contains("hearth_requests_total{model=\"stories260K\",status=\"200\"} 1.0",
                "hearth_requests_total{model=\"llama-2-tiny-random\",status=\"200\"} 1.0",
                "hearth_generation_tokens_total{model=\"stories260K\"} 3.0",
                "hearth_generation_tokens_total{model=\"llama-2-tiny-random\"} 2.0",
                "hearth_model_loaded{model=\"stories260K\"} 1.0",
                "hearth_model_loads_total{model=\"llama-2-tiny-random\",result=\"loaded\"} 1.0",
                "hearth_kv_cache_blocks_total{model=\"stories260K\"}",
                "vllm:num_requests_running{model=\"llama-2-tiny-random\",model_name=\"llama-2-tiny-random\"} ");
    }
}
