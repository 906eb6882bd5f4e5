package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thinking template over the Anthropic API: the scripted {@code <think>} part is a thinking block before the text. */
class AnthropicThinkingTest {
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
    private static AnthropicClient client;
    private static String userText;

    @BeforeAll
    static void start() throws IOException {
        Path template = Files.writeString(dir.resolve("thinking.jinja"), TEMPLATE);
        server = TestServer.over(ServerConfig.defaults().withChatTemplate(template.toString()),
                EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(TestServer.mockConfig(1, 4, 512), 0, 0, SCRIPT)));
        client = AnthropicOkHttpClient.builder().baseUrl(server.uri("/").toString()).apiKey("any").maxRetries(0).build();
        long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model("m").addUserMessage("").build()).inputTokens();
        userText = "q".repeat((int) (SCRIPT.length() - tokens % SCRIPT.length()));
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private static void assertThinkingThenAnswer(Message m) {
        assertThat(m.content()).hasSize(2);
        assertThat(m.content().get(0).thinking().orElseThrow().thinking()).isEqualTo("count the stars");
        assertThat(m.content().get(1).text().orElseThrow().text()).isEqualTo("Seven.");
        assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
    }

    @Test
    void thinkingComesBackAsAThinkingBlockBeforeTheText() {
        assertThinkingThenAnswer(client.messages().create(MessageCreateParams.builder().model("m").maxTokens(100).addUserMessage(userText).build()));
    }

    @Test
    void streamedThinkingAccumulatesToTheSameBlocks() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(
                MessageCreateParams.builder().model("m").maxTokens(100).addUserMessage(userText).build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThinkingThenAnswer(acc.message());
        assertThat(acc.message().content().stream().filter(ContentBlock::isThinking).count()).isEqualTo(1);
    }
}
