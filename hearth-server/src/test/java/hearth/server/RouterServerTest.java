package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.GenerateRequest;
import hearth.engine.TestData;
import hearth.server.router.RouterLimits;
import hearth.server.router.RouterModels;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Router mode end to end with three real models (stories260K, its F16 copy, llama-2-tiny-random) and room for two:
 * each answers by name, the least recently used one is unloaded, a long stream keeps its model loaded.
 */
class RouterServerTest {
    static final List<String> MODELS = List.of("stories260K", "stories260K-F16", "llama-2-tiny-random");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestServer s;
    EngineConfig engine;

    @BeforeEach
    void start() throws Exception {
        for (String m : MODELS) Files.copy(TestData.require("models/" + m + ".gguf"), dir.resolve(m + ".gguf"));
        engine = EngineConfig.of(dir).withThreads(1).withContextSize(1024).withParallel(1);
        s = TestServer.router(ServerConfig.defaults(), RouterModels.embedded(dir, engine, RouterLimits.defaults().withMaxModels(2)));
    }

    @AfterEach
    void stop() {
        if (s != null) s.close();
    }

    private JsonNode complete(String model, int tokens) throws Exception {
        HttpResponse<String> r = s.post("/v1/completions",
                "{\"model\":\"" + model + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":" + tokens + ",\"temperature\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode models() throws Exception {
        HttpResponse<String> r = s.get("/models");
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String status(JsonNode list, String id) {
        for (JsonNode m : list.path("data")) if (m.path("id").asText().equals(id)) return m.path("status").asText();
        throw new AssertionError(id + " not listed");
    }

    @Test
    void everyModelAnswersByNameWithItsOwnOutput() throws Exception {
        for (String m : MODELS) {
            JsonNode r = complete(m, 8);
            assertThat(r.path("model").asText()).isEqualTo(m);
            try (Engine e = Engine.load(EngineConfig.of(dir.resolve(m + ".gguf")).withThreads(1).withContextSize(1024))) {
                String alone = e.generate(GenerateRequest.greedy("ref", e.tokenizer().encode("Once upon a time", true, true), 8), null).text();
                assertThat(r.path("choices").get(0).path("text").asText()).as(m).isEqualTo(alone);
            }
        }
    }

    @Test
    void withRoomForTwoTheLeastRecentlyUsedModelIsUnloaded() throws Exception {
        JsonNode before = models();
        assertThat(before.path("data")).extracting(n -> n.path("status").asText()).containsOnly("unloaded");
        complete("stories260K", 2);
        complete("stories260K-F16", 2);
        complete("llama-2-tiny-random", 2);
        JsonNode after = models();
        assertThat(status(after, "stories260K")).isEqualTo("unloaded");
        assertThat(status(after, "stories260K-F16")).isEqualTo("loaded");
        assertThat(status(after, "llama-2-tiny-random")).isEqualTo("loaded");
        complete("stories260K", 2);  // now stories260K-F16 is the least recently used
        after = models();
        assertThat(status(after, "stories260K-F16")).isEqualTo("unloaded");
        assertThat(status(after, "stories260K")).isEqualTo("loaded");
        assertThat(after.path("router").path("loaded").asInt()).isEqualTo(2);
    }

    @Test
    void aLongStreamKeepsItsModelWhileTwoOthersAreRequested() throws Exception {
        try (RawHttp stream = new RawHttp(s, "/v1/completions",
                "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":1000,\"temperature\":0,\"ignore_eos\":true,\"stream\":true}")) {
            assertThat(stream.statusLine()).contains("200");
            assertThat(stream.nextData()).contains("\"text\"");

            complete("stories260K-F16", 4);
            JsonNode mid = models();
            complete("llama-2-tiny-random", 4);  // no room for three: the idle F16 model goes, never the streaming one
            JsonNode after = models();

            assertThat(status(mid, "stories260K")).isEqualTo("loaded");
            assertThat(status(after, "stories260K")).isEqualTo("loaded");
            assertThat(status(after, "stories260K-F16")).isEqualTo("unloaded");
            assertThat(status(after, "llama-2-tiny-random")).isEqualTo("loaded");
            for (JsonNode m : after.path("data")) {
                if (m.path("id").asText().equals("stories260K")) assertThat(m.path("in_flight").asInt()).as("still streaming").isEqualTo(1);
            }

            int chunks = 1;
            String line, finish = null;
            while ((line = stream.nextData()) != null && !line.equals("data: [DONE]")) {
                chunks++;
                if (line.contains("\"finish_reason\":\"")) finish = line;
            }
            assertThat(line).as("the stream ends normally").isEqualTo("data: [DONE]");
            assertThat(finish).contains("\"finish_reason\":\"length\"");
            assertThat(chunks).isGreaterThan(900);
        }
    }

    @Test
    void namesThatLookLikePathsAre404() throws Exception {
        Files.copy(dir.resolve("stories260K.gguf"), dir.getParent().resolve("outside-" + dir.getFileName() + ".gguf"));
        for (String name : List.of("../outside-" + dir.getFileName(), "../" + dir.getFileName() + "/stories260K", dir.resolve("stories260K.gguf").toString(),
                "%2e%2e%2fstories260K", "..%2Fstories260K", "stories260K/../../etc/passwd", "/etc/passwd", "stories260K.gguf/..")) {
            HttpResponse<String> r = s.post("/v1/completions", "{\"model\":" + JSON.writeValueAsString(name) + ",\"prompt\":\"x\",\"max_tokens\":1}");
            assertThat(r.statusCode()).as(name).isEqualTo(404);
            assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
        }
        for (String path : List.of("/v1/models/..%2F..%2Fetc%2Fpasswd", "/v1/models/%2e%2e", "/v1/models/stories260K.gguf%2F..")) {
            assertThat(s.get(path).statusCode()).as(path).isIn(400, 404);
        }
        assertThat(models().path("data")).hasSize(3);
    }

    @Test
    void aRequestWithoutModelIsRefusedWhenSeveralAreServed() throws Exception {
        HttpResponse<String> r = s.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":1}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("'model' is required: this server routes 3 models");
    }
}
