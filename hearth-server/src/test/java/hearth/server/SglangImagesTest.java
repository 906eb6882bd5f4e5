package hearth.server;

import static hearth.server.backend.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.backend.EngineFixture;
import hearth.server.backend.ProcessBackend;
import hearth.server.backend.proxy.MultipartBodies;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images API in front of a supervised SGLang launcher (a stand-in process started from the plan, as for
 * GLM-Image): requests Hearth accepts reach the engine as they were sent, bad ones are refused in OpenAI's shape.
 */
class SglangImagesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static TestServer hearth;
    static EngineFixture f;

    /** One engine for all the tests: none of them changes it. */
    @BeforeAll
    static void start() throws Exception {
        f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "200"));
        ProcessBackend backend = new ProcessBackend("GLM-Image", true, f.plan("sglang", Map.of("alias", "GLM-Image",
                "model", "/app/models/GLM-Image", "trust-remote-code", "true")), EngineFixture.quick(), Duration.ofSeconds(30),
                Duration.ofSeconds(5));
        hearth = TestServer.over(ServerConfig.defaults(), backend);
        backend.start();
        assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(30))).isTrue();
        assertThat(f.starts()).singleElement().asString().startsWith("python3 ")
                .contains("-m sglang.launch_server --model-path /app/models/GLM-Image --served-model-name GLM-Image");
    }

    @AfterAll
    static void stop() {
        if (hearth != null) hearth.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aGenerationIsForwardedAsSent() throws Exception {
        HttpResponse<String> r = hearth.post("/v1/images/generations",
                "{\"prompt\":\"a red fox in snow\",\"n\":3,\"size\":\"1024x768\",\"response_format\":\"b64_json\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("data")).hasSize(3);
        JsonNode seen = json(r).path("x_fake_request");
        assertThat(seen.path("prompt").asText()).isEqualTo("a red fox in snow");
        assertThat(seen.path("size").asText()).isEqualTo("1024x768");
        assertThat(seen.has("model")).as("nothing added: " + seen).isFalse();
        assertThat(seen.path("n").asInt()).isEqualTo(3);
    }

    @Test
    void badSizesCountsFormatsAndModelsAreRefusedByHearth() throws Exception {
        for (var bad : List.of(
                Map.entry("{\"prompt\":\"x\",\"size\":\"1000x1000\"}", "size"),
                Map.entry("{\"prompt\":\"x\",\"size\":\"8192x256\"}", "size"),
                Map.entry("{\"prompt\":\"x\",\"n\":11}", "n"),
                Map.entry("{\"prompt\":\"x\",\"response_format\":\"svg\"}", "response_format"),
                Map.entry("{\"size\":\"512x512\"}", "prompt"))) {
            HttpResponse<String> r = hearth.post("/v1/images/generations", bad.getKey());
            assertThat(r.statusCode()).as(bad.getKey() + " -> " + r.body()).isEqualTo(400);
            assertThat(json(r).at("/error/param").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
            assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(hearth.post("/v1/images/generations", "{\"prompt\":\"x\",\"model\":\"dall-e-3\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void anEditIsForwardedAsTheSameMultipartBody() throws Exception {
        byte[] body = new MultipartBodies().field("model", "GLM-Image").file("image", "cat.png", "image/png", MultipartBodies.PNG)
                .field("prompt", "add a hat").field("size", "512x512").build();
        HttpResponse<String> r = hearth.send(HttpRequest.newBuilder(hearth.uri("/v1/images/edits"))
                .header("Content-Type", MultipartBodies.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode seen = json(r).path("x_fake_request");
        assertThat(seen.path("bytes").asInt()).isEqualTo(body.length);
        assertThat(seen.path("fields")).extracting(JsonNode::asText).containsExactly("model", "image", "prompt", "size");

        byte[] text = new MultipartBodies().file("image", "notes.txt", "text/plain", "hello".getBytes()).field("prompt", "x").build();
        HttpResponse<String> bad = hearth.send(HttpRequest.newBuilder(hearth.uri("/v1/images/edits"))
                .header("Content-Type", MultipartBodies.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(text)).build());
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(json(bad).at("/error/param").asText()).isEqualTo("image");
        assertThat(Files.exists(dir.resolve("term-python3"))).isFalse();
    }
}
