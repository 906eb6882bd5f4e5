package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.TestData;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /tokenize, /detokenize and logprobs against llama.cpp's conformance vectors for stories260K. */
class TokensAndLogprobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static JsonNode onceUpon;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.stories(ServerConfig.defaults(), 2);
        onceUpon = JSON.readTree(TestData.require("conformance/stories260K__once_upon.json").toFile());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static JsonNode post(String path, String body) throws IOException {
        var r = server.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void tokenizeWithPiecesMatchesTheReference() throws IOException {
        JsonNode r = post("/tokenize", "{\"content\":\"Once upon a time\",\"add_special\":true,\"with_pieces\":true}");
        JsonNode tokens = r.get("tokens");
        assertThat(tokens).hasSize(onceUpon.get("prompt_tokens").size());
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(tokens.get(i).get("id")).isEqualTo(onceUpon.get("prompt_tokens").get(i));
            assertThat(tokens.get(i).get("piece")).isEqualTo(onceUpon.get("prompt_pieces").get(i));
        }
        assertThat(post("/tokenize", "{\"content\":\"Once upon a time\"}").get("tokens"))
                .isEqualTo(JSON.readTree("[403,407,261,378]"));
    }

    @Test
    void detokenizeJoinsThePieces() throws IOException {
        assertThat(post("/detokenize", "{\"tokens\":" + onceUpon.get("output_tokens") + "}").get("content").asText())
                .isEqualTo(onceUpon.get("output_text").asText());
    }

    @Test
    void textCompletionLogprobsMatchTheReference() throws IOException {
        JsonNode r = post("/v1/completions", "{\"prompt\":\"Once upon a time\",\"max_tokens\":4,\"temperature\":0,\"logprobs\":5}");
        JsonNode lp = r.at("/choices/0/logprobs");
        JsonNode steps = onceUpon.get("steps");
        assertThat(lp.get("tokens")).hasSize(4);
        int offset = 0;
        for (int i = 0; i < 4; i++) {
            JsonNode step = steps.get(i);
            assertThat(lp.get("tokens").get(i).asText()).isEqualTo(step.get("piece").asText());
            assertThat(lp.get("token_logprobs").get(i).asDouble()).isCloseTo(step.get("logprob").asDouble(), within(2e-3));
            JsonNode top = lp.get("top_logprobs").get(i);
            JsonNode wantTop = step.get("top");
            assertThat(top.fieldNames()).toIterable().first().isEqualTo(wantTop.get(0).get("piece").asText());
            for (JsonNode alt : wantTop) {
                assertThat(top.get(alt.get("piece").asText()).asDouble()).isCloseTo(alt.get("logprob").asDouble(), within(2e-3));
            }
            assertThat(lp.get("text_offset").get(i).asInt()).isEqualTo(offset);
            offset += step.get("piece").asText().length();
        }
    }

    @Test
    void chatLogprobsHaveOpenAisShape() throws IOException {
        JsonNode r = post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],"
                + "\"max_tokens\":3,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2}");
        JsonNode content = r.at("/choices/0/logprobs/content");
        assertThat(content).hasSize(3);
        StringBuilder text = new StringBuilder();
        for (JsonNode t : content) {
            text.append(t.get("token").asText());
            assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0);
            assertThat(t.get("bytes").size()).isEqualTo(t.get("token").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            assertThat(t.get("top_logprobs")).hasSize(2);
            assertThat(t.at("/top_logprobs/0/logprob").asDouble()).isGreaterThanOrEqualTo(t.at("/top_logprobs/1/logprob").asDouble());
            // greedy: the chosen token is the most likely one
            assertThat(t.at("/top_logprobs/0/token").asText()).isEqualTo(t.get("token").asText());
        }
        assertThat(text.toString()).isEqualTo(r.at("/choices/0/message/content").asText());
    }

    @Test
    void severalPromptsAndChoicesAreIndexedPromptMajor() throws IOException {
        JsonNode r = post("/v1/completions", "{\"prompt\":[\"Once upon a time\",\"The little dog\"],\"n\":2,"
                + "\"max_tokens\":5,\"temperature\":0}");
        JsonNode choices = r.get("choices");
        assertThat(choices).hasSize(4);
        for (int i = 0; i < 4; i++) assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
        assertThat(choices.get(0).get("text")).isEqualTo(choices.get(1).get("text"));
        assertThat(choices.get(2).get("text")).isEqualTo(choices.get(3).get("text"));
        assertThat(choices.get(0).get("text").asText()).startsWith(", there was");
        int dogTokens = post("/tokenize", "{\"content\":\"The little dog\",\"add_special\":true}").get("tokens").size();
        assertThat(r.at("/usage/prompt_tokens").asInt()).isEqualTo(onceUpon.get("prompt_tokens").size() + dogTokens);
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(20);
    }

    @Test
    void tokenIdPromptsAreUsedAsGiven() throws IOException {
        JsonNode r = post("/v1/completions", "{\"prompt\":" + onceUpon.get("prompt_tokens") + ",\"max_tokens\":8,\"temperature\":0}");
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < 8; i++) want.append(onceUpon.get("output_pieces").get(i).asText());
        assertThat(r.at("/choices/0/text").asText()).isEqualTo(want.toString());
    }

    @Test
    void modelsDescribeTheLoadedModel() throws IOException {
        JsonNode m = JSON.readTree(server.get("/v1/models").body()).at("/data/0");
        assertThat(m.get("id").asText()).isEqualTo("stories260K");
        assertThat(m.at("/meta/n_vocab").asInt()).isEqualTo(512);
        assertThat(m.at("/meta/n_ctx").asInt()).isEqualTo(2048);
        assertThat(m.at("/meta/size").asLong()).isEqualTo(1185376L);
    }
}
