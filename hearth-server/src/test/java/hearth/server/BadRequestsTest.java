package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A table of bad requests: each gets the right 4xx in OpenAI's error shape, and the server keeps serving. */
class BadRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_LIMIT = 64 * 1024;
    private static final String CHAT = "/v1/chat/completions";
    private static final String TEXT = "/v1/completions";
    private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.mock(ServerConfig.defaults().withMaxBodyBytes(BODY_LIMIT).withLimits(200, 0),
                TestServer.mockConfig(2, 8, 512), 0, 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("malformed JSON", CHAT, "{\"messages\": [", 400, null),
                bad("not JSON at all", CHAT, "hello", 400, null),
                bad("empty body", CHAT, "", 400, null),
                bad("JSON array instead of object", CHAT, "[1,2,3]", 400, null),
                bad("trailing garbage after the object", CHAT, "{" + MSG + "} x", 400, null),
                bad("duplicate member", CHAT, "{" + MSG + "," + MSG + "}", 400, null),
                bad("missing messages", CHAT, "{\"model\":\"mock\"}", 400, "messages"),
                bad("messages is a string", CHAT, "{\"messages\":\"hi\"}", 400, "messages"),
                bad("messages is empty", CHAT, "{\"messages\":[]}", 400, "messages"),
                bad("message is not an object", CHAT, "{\"messages\":[\"hi\"]}", 400, "messages[0]"),
                bad("message without role", CHAT, "{\"messages\":[{\"content\":\"hi\"}]}", 400, "messages[0].role"),
                bad("unknown role", CHAT, "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "messages[0].role"),
                bad("role is a number", CHAT, "{\"messages\":[{\"role\":1,\"content\":\"hi\"}]}", 400, "messages[0].role"),
                bad("user message without content", CHAT, "{\"messages\":[{\"role\":\"user\"}]}", 400, "messages[0].content"),
                bad("content is a number", CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", 400, "messages[0].content"),
                bad("image part", CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}", 400, "messages[0].content[0]"),
                bad("text part without text", CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}", 400, "messages[0].content[0].text"),
                bad("temperature is a string", CHAT, "{" + MSG + ",\"temperature\":\"hot\"}", 400, "temperature"),
                bad("negative temperature", CHAT, "{" + MSG + ",\"temperature\":-1}", 400, "temperature"),
                bad("temperature above 2", CHAT, "{" + MSG + ",\"temperature\":7}", 400, "temperature"),
                bad("top_p above 1", CHAT, "{" + MSG + ",\"top_p\":1.5}", 400, "top_p"),
                bad("negative top_k", CHAT, "{" + MSG + ",\"top_k\":-3}", 400, "top_k"),
                bad("fractional max_tokens", CHAT, "{" + MSG + ",\"max_tokens\":1.5}", 400, "max_tokens"),
                bad("negative max_tokens", CHAT, "{" + MSG + ",\"max_tokens\":-5}", 400, "max_tokens"),
                bad("huge max_tokens", CHAT, "{" + MSG + ",\"max_tokens\":99999999999999999999}", 400, "max_tokens"),
                bad("max_completion_tokens is a string", CHAT, "{" + MSG + ",\"max_completion_tokens\":\"10\"}", 400, "max_completion_tokens"),
                bad("n is zero", CHAT, "{" + MSG + ",\"n\":0}", 400, "n"),
                bad("n is huge", CHAT, "{" + MSG + ",\"n\":1000}", 400, "n"),
                bad("stop is a number", CHAT, "{" + MSG + ",\"stop\":5}", 400, "stop"),
                bad("stop list holds a number", CHAT, "{" + MSG + ",\"stop\":[\"a\",3]}", 400, "stop[1]"),
                bad("stop list too long", CHAT, "{" + MSG + ",\"stop\":[" + "\"a\",".repeat(40) + "\"b\"]}", 400, "stop"),
                bad("empty stop string", CHAT, "{" + MSG + ",\"stop\":[\"\"]}", 400, "stop"),
                bad("stream is a string", CHAT, "{" + MSG + ",\"stream\":\"yes\"}", 400, "stream"),
                bad("logit_bias key is not a token id", CHAT, "{" + MSG + ",\"logit_bias\":{\"abc\":1}}", 400, "logit_bias"),
                bad("logit_bias value out of range", CHAT, "{" + MSG + ",\"logit_bias\":{\"5\":500}}", 400, "logit_bias.5"),
                bad("logit_bias token outside the vocabulary", CHAT, "{" + MSG + ",\"logit_bias\":{\"999999\":1}}", 400, "logit_bias"),
                bad("top_logprobs without logprobs", CHAT, "{" + MSG + ",\"top_logprobs\":3}", 400, "top_logprobs"),
                bad("top_logprobs above 20", CHAT, "{" + MSG + ",\"logprobs\":true,\"top_logprobs\":50}", 400, "top_logprobs"),
                bad("presence_penalty out of range", CHAT, "{" + MSG + ",\"presence_penalty\":3}", 400, "presence_penalty"),
                bad("seed is a string", CHAT, "{" + MSG + ",\"seed\":\"x\"}", 400, "seed"),
                bad("stream_options is a string", CHAT, "{" + MSG + ",\"stream\":true,\"stream_options\":\"all\"}", 400, "stream_options"),
                bad("unknown model", CHAT, "{\"model\":\"gpt-9\"," + MSG + "}", 404, "model"),
                bad("prompt over --max-prompt-tokens", CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(300) + "\"}]}", 400, "messages"),
                bad("completion without prompt", TEXT, "{\"max_tokens\":3}", 400, "prompt"),
                bad("prompt is an object", TEXT, "{\"prompt\":{}}", 400, "prompt"),
                bad("prompt token id negative", TEXT, "{\"prompt\":[1,-2]}", 400, "prompt[1]"),
                bad("prompt token id outside the vocabulary", TEXT, "{\"prompt\":[1,5000]}", 400, "prompt"),
                bad("empty prompt", TEXT, "{\"prompt\":\"\"}", 400, "prompt"),
                bad("empty token list", TEXT, "{\"prompt\":[]}", 400, "prompt"),
                bad("echo is not supported", TEXT, "{\"prompt\":\"a\",\"echo\":true}", 400, "echo"),
                bad("completions logprobs is a boolean", TEXT, "{\"prompt\":\"a\",\"logprobs\":true}", 400, "logprobs"),
                bad("tokenize without content", "/tokenize", "{}", 400, "content"),
                bad("detokenize with a bad id", "/detokenize", "{\"tokens\":[1,\"a\"]}", 400, "tokens[1]"),
                bad("detokenize id outside the vocabulary", "/detokenize", "{\"tokens\":[100000]}", 400, "tokens[0]"),
                bad("embeddings on a generative model", "/v1/embeddings", "{\"input\":\"hi\"}", 400, "model"),
                bad("unknown route", "/v1/nothing-here", "{}", 404, null),
                bad("GET-only route posted to", "/v1/models", "{}", 405, null));
    }

    private static Arguments bad(String what, String path, String body, int status, String param) {
        return Arguments.of(what, path, body.getBytes(StandardCharsets.UTF_8), status, param);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isAnsweredWithTheRightErrorAndTheServerStaysUp(String what, String path, byte[] body, int status, String param) throws IOException {
        HttpResponse<String> r = server.postBytes(path, body);
        assertError(r, status, param);
        assertGoodRequestStillWorks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawCases")
    void rawBodiesAreAnsweredWithTheRightError(String what, byte[] body, int status) throws IOException {
        assertError(server.postBytes(CHAT, body), status, null);
        assertGoodRequestStillWorks();
    }

    static Stream<Arguments> rawCases() {
        byte[] invalidUtf8 = ("{\"messages\":[{\"role\":\"user\",\"content\":\"a").getBytes(StandardCharsets.UTF_8);
        byte[] withBadBytes = new byte[invalidUtf8.length + 5];
        System.arraycopy(invalidUtf8, 0, withBadBytes, 0, invalidUtf8.length);
        System.arraycopy(new byte[] {(byte) 0xC3, (byte) 0x28, '"', '}', ']'}, 0, withBadBytes, invalidUtf8.length, 5);
        byte[] huge = ("{\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(BODY_LIMIT) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] deep = ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("invalid UTF-8", withBadBytes, 400),
                Arguments.of("body over the size limit", huge, 413),
                Arguments.of("nesting 5000 deep", deep, 400),
                Arguments.of("NaN literal", "{\"messages\":[],\"temperature\":NaN}".getBytes(StandardCharsets.UTF_8), 400));
    }

    private static void assertError(HttpResponse<String> r, int status, String param) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asText()).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(e.get("type").asText()).isIn("invalid_request_error", "not_found_error");
        assertThat(e.has("param")).isTrue();
        assertThat(e.has("code")).isTrue();
        if (param != null) assertThat(e.get("param").asText()).isEqualTo(param);
    }

    private static void assertGoodRequestStillWorks() throws IOException {
        HttpResponse<String> ok = server.send(HttpRequest.newBuilder(server.uri(CHAT))
                .POST(HttpRequest.BodyPublishers.ofString("{" + MSG + ",\"max_tokens\":3,\"temperature\":0}")).build());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }
}
