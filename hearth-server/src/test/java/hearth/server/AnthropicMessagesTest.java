package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anthropic's Messages API through the official Java SDK (which authenticates with {@code x-api-key}): the mock model
 * writes Hermes tool-call markup, which comes back as a tool_use block, whole and streamed; a tool_result goes back
 * into the template. The mock continues its script from (prompt tokens mod script length), so the user text is padded.
 */
class AnthropicMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-ant-hearth-test";
    private static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
    private static final String SCRIPT = CALL + "\0";
    private static final String TEMPLATE = """
            {%- for m in messages %}<|im_start|>{{ m.role }}
            {{ m.content }}<|im_end|>
            {% endfor -%}
            {%- if tools %}<|im_start|>system
            You may call {{ tools | length }} tool(s) as <tool_call>{"name": ..., "arguments": {...}}</tool_call><|im_end|>
            {% endif -%}
            <|im_start|>assistant
            """;
    @TempDir
    static Path dir;
    private static TestServer server;
    private static AnthropicClient client;
    private static String userText;

    @BeforeAll
    static void start() throws IOException {
        Path template = Files.writeString(dir.resolve("hermes-like.jinja"), TEMPLATE);
        server = TestServer.over(ServerConfig.defaults().withChatTemplate(template.toString()).withApiKeys(List.of(KEY)),
                EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(TestServer.mockConfig(2, 8, 1024), 0, 0, SCRIPT)));
        client = AnthropicOkHttpClient.builder().baseUrl(server.uri("/").toString()).apiKey(KEY).maxRetries(0).build();
        long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-local")
                .addUserMessage("").addTool(weather()).build()).inputTokens();
        userText = "x".repeat((int) (SCRIPT.length() - tokens % SCRIPT.length()));
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private static Tool weather() {
        return Tool.builder().name("get_weather").description("the weather in a city").inputSchema(Tool.InputSchema.builder()
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build()).build();
    }

    private static MessageCreateParams.Builder params() {
        return MessageCreateParams.builder().model("claude-local").maxTokens(200).addUserMessage(userText).addTool(weather());
    }

    private static void assertWeatherCall(Message m) {
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock call = m.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
        assertThat(call.id()).isNotBlank();
        assertThat(m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text())).allMatch(String::isEmpty);
    }

    @Test
    void aGeneratedCallComesBackAsAToolUseBlock() {
        Message m = client.messages().create(params().build());
        assertWeatherCall(m);
        assertThat(m.model().asString()).isEqualTo("claude-local");
        assertThat(m.usage().outputTokens()).isEqualTo(CALL.length()); // the end-of-text token is not output
    }

    @Test
    void aStreamedCallAccumulatesToTheSameToolUseBlock() {
        MessageAccumulator acc = MessageAccumulator.create();
        List<String> events = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params().build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                events.add(e.isMessageStart() ? "message_start" : e.isContentBlockStart() ? "content_block_start"
                        : e.isContentBlockDelta() ? "content_block_delta" : e.isContentBlockStop() ? "content_block_stop"
                        : e.isMessageDelta() ? "message_delta" : e.isMessageStop() ? "message_stop" : "other");
            });
        }
        assertWeatherCall(acc.message());
        assertThat(events.getFirst()).isEqualTo("message_start");
        assertThat(events.subList(events.size() - 3, events.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(events).contains("content_block_start", "content_block_delta");
    }

    @Test
    void aToolResultGoesBackIntoThePrompt() {
        Message first = client.messages().create(params().build());
        String id = first.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow().id();
        MessageCountTokensParams.Builder without = MessageCountTokensParams.builder().model("claude-local")
                .addUserMessage(userText).addTool(weather()).addMessage(first.toParam());
        long before = client.messages().countTokens(without.build()).inputTokens();
        long after = client.messages().countTokens(without.addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                ToolResultBlockParam.builder().toolUseId(id).content("18 degrees and sunny").build()))).build()).inputTokens();
        // the template shows a tool message's content: the result's text and the turn markers around it
        assertThat(after - before).isGreaterThanOrEqualTo("18 degrees and sunny".length());
        Message second = client.messages().create(params().addMessage(first.toParam()).addUserMessageOfContentBlockParams(List.of(
                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(id).content("18 degrees").build()))).build());
        assertThat(second._role()).isEqualTo(JsonValue.from("assistant"));
        assertThat(second.id()).startsWith("msg_");
    }

    @Test
    void toolChoiceNoneLeavesTheMarkupAsText() throws IOException {
        HttpResponse<String> r = server.post("/v1/messages", JSON.writeValueAsString(Map.of("model", "m", "max_tokens", 5,
                "messages", List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "hi")))),
                "stop_sequences", List.of("zzz"))), "x-api-key", KEY);
        JsonNode m = JSON.readTree(r.body());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(m.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(m.get("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(m.at("/usage/output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aMissingMaxTokensIsAnAnthropicInvalidRequestError() throws IOException {
        HttpResponse<String> r = server.post("/v1/messages", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", KEY);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.get("type").asText()).isEqualTo("error");
        assertThat(e.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.at("/error/message").asText()).contains("max_tokens");
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("m").maxTokens(10)
                .addUserMessageOfContentBlockParams(List.of()).build())).isInstanceOf(BadRequestException.class);
    }

    @Test
    void aWrongApiKeyIs401InAnthropicShape() throws IOException {
        HttpResponse<String> r = server.post("/v1/messages", "{}", "x-api-key", "wrong");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        AnthropicClient bad = AnthropicOkHttpClient.builder().baseUrl(server.uri("/").toString()).apiKey("nope").maxRetries(0).build();
        try {
            assertThatThrownBy(() -> bad.messages().create(params().build())).isInstanceOf(UnauthorizedException.class);
        } finally {
            bad.close();
        }
    }
}
