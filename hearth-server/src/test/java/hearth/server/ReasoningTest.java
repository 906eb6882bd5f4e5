package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template with thinking markers: the model's thinking comes back as reasoning_content, apart from the answer. */
class ReasoningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "<think>count the stars</think>Seven.\0";
    private static final String TEMPLATE = """
            {%- for m in messages %}<|im_start|>{{ m.role }}
            {{ m.content }}<|im_end|>
            {% endfor -%}
            <|im_start|>assistant
            {# models of this family write <think>...</think> before the answer #}""";
    @TempDir
    static Path dir;
    private static TestServer server;
    private static String userText;

    @BeforeAll
    static void start() throws IOException {
        Path template = Files.writeString(dir.resolve("thinking.jinja"), TEMPLATE);
        server = TestServer.over(ServerConfig.defaults().withChatTemplate(template.toString()),
                EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(TestServer.mockConfig(1, 4, 512), 0, 0, SCRIPT)));
        String prompt = JSON.readTree(server.post("/apply-template", "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}").body())
                .get("prompt").asText();
        int tokens = JSON.readTree(server.post("/tokenize", JSON.writeValueAsString(Map.of("content", prompt))).body()).get("tokens").size();
        userText = "q".repeat(SCRIPT.length() - tokens % SCRIPT.length());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static String body(boolean stream) throws IOException {
        return JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", userText)),
                "max_tokens", 100, "stream", stream));
    }

    @Test
    void thinkingIsSplitFromTheAnswer() throws IOException {
        JsonNode m = JSON.readTree(server.post("/v1/chat/completions", body(false)).body()).at("/choices/0/message");
        assertThat(m.get("reasoning_content").asText()).isEqualTo("count the stars");
        assertThat(m.get("content").asText()).isEqualTo("Seven.");
    }

    @Test
    void streamedThinkingArrivesAsReasoningDeltas() throws IOException {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String frame : server.post("/v1/chat/completions", body(true)).body().split("\n\n")) {
            if (frame.equals("data: [DONE]")) break;
            for (JsonNode c : JSON.readTree(frame.substring(6)).get("choices")) {
                reasoning.append(c.at("/delta/reasoning_content").asText(""));
                content.append(c.at("/delta/content").asText(""));
            }
        }
        assertThat(reasoning.toString()).isEqualTo("count the stars");
        assertThat(content.toString()).isEqualTo("Seven.");
    }
}
