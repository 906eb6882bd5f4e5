package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.backend.MockEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool calls: with tools offered and a template that renders Hermes-style {@code <tool_call>} markup, the generated
 * markup becomes OpenAI {@code tool_calls} (whole and streamed), never content. The mock model writes the call: its
 * script is continued from byte (prompt length mod script length), so the user message is padded to make that 0.
 */
class ToolCallsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
    private static final String SCRIPT = CALL + "\0"; // NUL: the mock's end of text
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
    private static OpenAIClient client;
    private static String userText;

    @BeforeAll
    static void start() throws IOException {
        Path template = Files.writeString(dir.resolve("hermes-like.jinja"), TEMPLATE);
        server = TestServer.over(ServerConfig.defaults().withChatTemplate(template.toString()),
                EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(TestServer.mockConfig(2, 8, 1024), 0, 0, SCRIPT)));
        client = OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey("none").maxRetries(0).build();
        userText = paddedUserText(true);
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    /** A user message that makes the templated prompt a whole number of scripts long. */
    private static String paddedUserText(boolean withTools) throws IOException {
        String probe = "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}]" + (withTools ? ",\"tools\":[" + tool() + "]" : "") + "}";
        String prompt = JSON.readTree(server.post("/apply-template", probe).body()).get("prompt").asText();
        int tokens = JSON.readTree(server.post("/tokenize", JSON.writeValueAsString(Map.of("content", prompt))).body()).get("tokens").size();
        int length = SCRIPT.length();
        return "x".repeat(length - tokens % length);
    }

    private static String tool() {
        return "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}";
    }

    private static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model("mock").addUserMessage(userText)
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object")).build()).build())
                .maxCompletionTokens(200).build();
    }

    @Test
    void aGeneratedCallIsReturnedAsToolCallsNotContent() {
        ChatCompletion c = client.chat().completions().create(params());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualToIgnoringWhitespace("{\"city\": \"Paris\"}");
        assertThat(call.id()).isNotBlank();
    }

    @Test
    void streamedCallFragmentsAccumulateToTheSameCall() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion.Choice choice = acc.chatCompletion().choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualToIgnoringWhitespace("{\"city\": \"Paris\"}");
        assertThat(choice.message().content().orElse("")).isEmpty();
    }

    @Test
    void withoutToolsTheMarkupIsPlainContent() throws IOException {
        // tool_choice none: the template is not shown the tools, so the prompt is padded as for a request without them
        String body = JSON.writeValueAsString(Map.of("messages", java.util.List.of(Map.of("role", "user",
                "content", paddedUserText(false))), "max_tokens", 200, "tool_choice", "none", "tools", JSON.readTree("[" + tool() + "]")));
        JsonNode r = JSON.readTree(server.post("/v1/chat/completions", body).body());
        // and the output is not parsed
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo(CALL);
        assertThat(r.at("/choices/0/message").has("tool_calls")).isFalse();
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }
}
