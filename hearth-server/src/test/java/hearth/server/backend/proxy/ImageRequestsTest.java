package hearth.server.backend.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageRequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Optional<Problem> generation(String json) throws Exception {
        return ImageRequests.generation(JSON.readTree(json), "GLM-Image");
    }

    @Test
    void aPlainGenerationPasses() throws Exception {
        assertThat(generation("{\"prompt\":\"a red fox\",\"n\":2,\"size\":\"1024x1024\",\"response_format\":\"b64_json\"}")).isEmpty();
        assertThat(generation("{\"prompt\":\"a red fox\",\"size\":\"auto\",\"model\":\"GLM-Image\",\"quality\":\"hd\"}")).isEmpty();
        assertThat(generation("{\"prompt\":\"a red fox\",\"size\":\"1536x1024\"}")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{}                                                 | prompt          | prompt is required",
            "{\"prompt\":7}                                     | prompt          | prompt must be a string",
            "{\"prompt\":\"  \"}                                | prompt          | prompt must not be empty",
            "{\"prompt\":\"x\",\"n\":0}                         | n               | n must be from 1 to 10, got 0",
            "{\"prompt\":\"x\",\"n\":11}                        | n               | n must be from 1 to 10, got 11",
            "{\"prompt\":\"x\",\"n\":1.5}                       | n               | n must be an integer",
            "{\"prompt\":\"x\",\"n\":\"two\"}                   | n               | n must be an integer",
            "{\"prompt\":\"x\",\"size\":\"big\"}                | size            | size must be WIDTHxHEIGHT",
            "{\"prompt\":\"x\",\"size\":\"1024\"}               | size            | size must be WIDTHxHEIGHT",
            "{\"prompt\":\"x\",\"size\":\"100x100\"}            | size            | size sides must be 256..4096",
            "{\"prompt\":\"x\",\"size\":\"8192x1024\"}          | size            | size sides must be 256..4096",
            "{\"prompt\":\"x\",\"size\":\"1000x1000\"}          | size            | multiples of 32",
            "{\"prompt\":\"x\",\"response_format\":\"png\"}     | response_format | response_format must be b64_json or url",
            "{\"prompt\":\"x\",\"model\":\"dall-e-3\"}          | model           | the model 'dall-e-3' does not exist",
    })
    void badGenerationsNameTheirParameter(String json, String param, String message) throws Exception {
        Problem p = generation(json).orElseThrow();
        assertThat(p.param()).isEqualTo(param);
        assertThat(p.message()).contains(message);
    }

    @Test
    void aGenerationBodyMustBeAnObject() throws Exception {
        assertThat(generation("[1]").orElseThrow().message()).isEqualTo("the body must be a JSON object");
    }

    static Optional<Problem> edit(MultipartBodies body) {
        return ImageRequests.edit(Multipart.parse(body.build(), MultipartBodies.BOUNDARY), "GLM-Image");
    }

    @Test
    void anEditWithAnImageAndAPromptPasses() {
        assertThat(edit(new MultipartBodies().file("image", "a.png", "image/png", MultipartBodies.PNG).field("prompt", "add a hat")
                .field("n", "1").field("size", "512x512").field("response_format", "b64_json"))).isEmpty();
        assertThat(edit(new MultipartBodies().file("image[]", "a.jpg", "image/jpeg", MultipartBodies.JPEG)
                .file("image[]", "b.png", "image/png", MultipartBodies.PNG).field("prompt", "merge")
                .file("mask", "m.png", "image/png", MultipartBodies.PNG))).isEmpty();
    }

    @Test
    void badEditsNameTheirParameter() {
        record Case(MultipartBodies body, String param, String message) {}
        byte[] text = "not an image".getBytes();
        List<Case> cases = List.of(
                new Case(new MultipartBodies().file("image", "a.png", "image/png", MultipartBodies.PNG), "prompt", "prompt is required"),
                new Case(new MultipartBodies().field("prompt", "x"), "image", "image is required"),
                new Case(new MultipartBodies().field("prompt", "x").field("image", "abc"), "image", "image must be sent as a file"),
                new Case(new MultipartBodies().field("prompt", "x").file("image", "a.png", "image/png", new byte[0]), "image", "image is empty"),
                new Case(new MultipartBodies().field("prompt", "x").file("image", "a.txt", "text/plain", text), "image", "PNG, JPEG or WebP"),
                new Case(new MultipartBodies().field("prompt", "x").file("image", "a.png", "image/png", MultipartBodies.PNG)
                        .file("mask", "m.jpg", "image/jpeg", MultipartBodies.JPEG), "mask", "mask must be a PNG"),
                new Case(new MultipartBodies().field("prompt", "x").file("image", "a.png", "image/png", MultipartBodies.PNG)
                        .field("n", "12"), "n", "n must be from 1 to 10"),
                new Case(new MultipartBodies().field("prompt", "x").file("image", "a.png", "image/png", MultipartBodies.PNG)
                        .field("size", "7x7"), "size", "size sides"),
                new Case(new MultipartBodies().field("prompt", "x").file("image", "a.png", "image/png", MultipartBodies.PNG)
                        .field("response_format", "jpeg"), "response_format", "b64_json or url"));
        for (Case c : cases) {
            Problem p = edit(c.body()).orElseThrow(() -> new AssertionError("accepted: " + c));
            assertThat(p.param()).as(c.message()).isEqualTo(c.param());
            assertThat(p.message()).contains(c.message());
        }
    }
}
