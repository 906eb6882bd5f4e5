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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --reasoning-format}: thinking under reasoning_content, reasoning, both, or inline (none); either name is read
 * back from history, and {@code reasoning_effort} reaches the template.
 */
class ReasoningFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "<think>count the stars</think>Seven.\0";
    private static final String TEMPLATE = """
            {%- for m in messages %}<|im_start|>{{ m.role }}
            {% if m.reasoning_content %}<think>{{ m.reasoning_content }}</think>{% endif %}{{ m.content }}<|im_end|>
            {% endfor -%}
            {% if reasoning_effort %}effort: {{ reasoning_effort }}
            {% endif %}<|im_start|>assistant
            """;
    @TempDir
    static Path dir;

    private static TestServer server(String format) throws IOException {
        Path template = Files.writeString(dir.resolve("thinking-" + format + ".jinja"), TEMPLATE);
        return TestServer.over(ServerConfig.defaults().withChatTemplate(template.toString()).withReasoningFormat(format),
                EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(TestServer.mockConfig(1, 4, 512), 0, 0, SCRIPT)));
    }

    /** A user text that makes the prompt a whole number of scripts long, so the mock writes the script from its start. */
    private static String padded(TestServer s) throws IOException {
        String prompt = JSON.readTree(s.post("/apply-template", "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}").body())
                .get("prompt").asText();
        int tokens = JSON.readTree(s.post("/tokenize", JSON.writeValueAsString(Map.of("content", prompt))).body()).get("tokens").size();
        return "q".repeat(SCRIPT.length() - tokens % SCRIPT.length());
    }

    private static JsonNode chat(TestServer s, Map<String, Object> extra, List<Map<String, Object>> messages) throws IOException {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("messages", messages);
        body.put("max_tokens", 100);
        return JSON.readTree(s.post("/v1/chat/completions", JSON.writeValueAsString(body)).body());
    }

    @Test
    void bothPutsTheThinkingUnderBothNames() throws IOException {
        try (TestServer s = server("both")) {
            JsonNode m = chat(s, Map.of(), List.of(Map.of("role", "user", "content", padded(s)))).at("/choices/0/message");
            assertThat(m.get("reasoning_content").asText()).isEqualTo("count the stars");
            assertThat(m.get("reasoning").asText()).isEqualTo("count the stars");
            assertThat(m.get("content").asText()).isEqualTo("Seven.");
        }
    }

    @Test
    void reasoningUsesOnlyTheShortName() throws IOException {
        try (TestServer s = server("reasoning")) {
            JsonNode m = chat(s, Map.of(), List.of(Map.of("role", "user", "content", padded(s)))).at("/choices/0/message");
            assertThat(m.get("reasoning").asText()).isEqualTo("count the stars");
            assertThat(m.has("reasoning_content")).isFalse();
        }
    }

    @Test
    void noneLeavesTheThinkingInlineInTheContent() throws IOException {
        try (TestServer s = server("none")) {
            JsonNode m = chat(s, Map.of(), List.of(Map.of("role", "user", "content", padded(s)))).at("/choices/0/message");
            assertThat(m.get("content").asText()).isEqualTo("<think>count the stars</think>Seven.");
            assertThat(m.has("reasoning_content")).isFalse();
            assertThat(m.has("reasoning")).isFalse();
        }
    }

    @Test
    void historyThinkingIsReadUnderEitherNameAndReasoningEffortReachesTheTemplate() throws IOException {
        try (TestServer s = server("reasoning_content")) {
            Map<String, Object> user = Map.of("role", "user", "content", "hi");
            int plain = chat(s, Map.of(), List.of(user, Map.of("role", "assistant", "content", "ok"), user)).at("/usage/prompt_tokens").asInt();
            int viaReasoning = chat(s, Map.of(), List.of(user, Map.of("role", "assistant", "content", "ok", "reasoning", "abc"), user))
                    .at("/usage/prompt_tokens").asInt();
            int viaContent = chat(s, Map.of(), List.of(user, Map.of("role", "assistant", "content", "ok", "reasoning_content", "abc"), user))
                    .at("/usage/prompt_tokens").asInt();
            assertThat(viaReasoning).isEqualTo(viaContent).isEqualTo(plain + "<think>abc</think>".length());
            int effort = chat(s, Map.of("reasoning_effort", "high"), List.of(user)).at("/usage/prompt_tokens").asInt();
            int none = chat(s, Map.of(), List.of(user)).at("/usage/prompt_tokens").asInt();
            assertThat(effort - none).isEqualTo("effort: high\n".length());
        }
    }
}
