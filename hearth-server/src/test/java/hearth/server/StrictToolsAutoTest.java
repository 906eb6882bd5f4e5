package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
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

/**
 * {@code strict: true} tools under {@code tool_choice: "auto"} (OpenAI Java SDK): the mock model's script holds a prose
 * answer and, further on, prose followed by a call whose argument breaks the schema. Started at the prose answer the
 * output is untouched; started at the call, the prose is kept and the call's arguments are forced to validate — unless
 * the tool is not strict, when the broken arguments come through as written. The same holds on the Anthropic and
 * Responses routes (where a function tool is strict unless it says otherwise, as the Responses API documents).
 */
class StrictToolsAutoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROSE = "Sunny today.\0";
    private static final String CALL = "Let me check. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": 42}}\n</tool_call>\0";
    private static final String SCRIPT = PROSE + CALL;
    private static final String TEMPLATE = """
            {%- for m in messages %}<|im_start|>{{ m.role }}
            {{ m.content }}<|im_end|>
            {% endfor -%}
            {%- if tools %}<|im_start|>system
            You may call {{ tools | length }} tool(s) as <tool_call>{"name": ..., "arguments": {...}}</tool_call><|im_end|>
            {% endif -%}
            <|im_start|>assistant
            """;
    private static final Map<String, Object> WEATHER = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "enum", List.of("Paris", "Rome"))),
            "required", List.of("city"), "additionalProperties", false);
    @TempDir
    static Path dir;
    private static TestServer server;
    private static OpenAIClient client;
    private static int promptBase;

    @BeforeAll
    static void start() throws IOException {
        Path template = Files.writeString(dir.resolve("hermes-like.jinja"), TEMPLATE);
        server = TestServer.over(ServerConfig.defaults().withChatTemplate(template.toString()),
                EmbeddedBackend.of(MockEngine.MODEL_ID, MockEngine.create(TestServer.mockConfig(2, 8, 1024), 0, 0, SCRIPT)));
        client = OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey("none").maxRetries(0).build();
        String probe = "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"x\"}}]}";
        String prompt = JSON.readTree(server.post("/apply-template", probe).body()).get("prompt").asText();
        promptBase = JSON.readTree(server.post("/tokenize", JSON.writeValueAsString(Map.of("content", prompt))).body()).get("tokens").size();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    /** A user message after which the mock continues its script at {@code offset}. */
    private static String userTextStartingAt(int offset) {
        int n = Math.floorMod(offset - promptBase, SCRIPT.length());
        return "x".repeat(n == 0 ? SCRIPT.length() : n);
    }

    private static ChatCompletion chat(int offset, boolean strict) {
        FunctionParameters.Builder p = FunctionParameters.builder();
        WEATHER.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
        FunctionDefinition fn = FunctionDefinition.builder().name("get_weather").parameters(p.build()).strict(strict).build();
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model("mock")
                .addUserMessage(userTextStartingAt(offset)).addFunctionTool(fn)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).temperature(0.0).maxCompletionTokens(300).build());
    }

    @Test
    void aProseAnswerStaysPossibleAndUntouched() {
        ChatCompletion.Choice c = chat(0, true).choices().getFirst();
        assertThat(c.message().content()).hasValue("Sunny today.");
        assertThat(c.message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(c.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void aCallTheModelStartsGetsArgumentsThatValidate() throws IOException {
        ChatCompletion.Choice c = chat(PROSE.length(), true).choices().getFirst();
        assertThat(c.message().content().map(String::strip)).hasValue("Let me check.");
        assertThat(c.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = c.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        JsonNode args = JSON.readTree(call.function().arguments());
        assertThat(args.get("city").asText()).isIn("Paris", "Rome");
        assertThat(args.size()).isEqualTo(1);
    }

    @Test
    void withoutStrictTheArgumentsAreAsTheModelWroteThem() throws IOException {
        ChatCompletion.Choice c = chat(PROSE.length(), false).choices().getFirst();
        ChatCompletionMessageFunctionToolCall call = c.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(JSON.readTree(call.function().arguments()).get("city").asInt()).isEqualTo(42);
    }

    private static JsonNode post(String path, Map<String, Object> body) throws IOException {
        return JSON.readTree(server.post(path, JSON.writeValueAsString(body)).body());
    }

    @Test
    void anAnthropicStrictToolGetsInputThatValidates() throws IOException {
        Map<String, Object> tool = Map.of("name", "get_weather", "input_schema", WEATHER, "strict", true);
        // one call: with parallel calls allowed, the mock (which never means to stop there) would start another
        JsonNode m = post("/v1/messages", Map.of("model", "claude-local", "max_tokens", 300, "tools", List.of(tool), "temperature", 0,
                "tool_choice", Map.of("type", "auto", "disable_parallel_tool_use", true), "messages", List.of(Map.of("role", "user", "content", userTextStartingAt(PROSE.length())))));
        assertThat(m.at("/content/0/text").asText().strip()).isEqualTo("Let me check.");
        assertThat(m.at("/content/1/type").asText()).isEqualTo("tool_use");
        assertThat(m.at("/content/1/input/city").asText()).isIn("Paris", "Rome");
        assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void aResponsesFunctionToolIsStrictUnlessItSaysOtherwise() throws IOException {
        Map<String, Object> strictByDefault = Map.of("type", "function", "name", "get_weather", "parameters", WEATHER);
        JsonNode r = post("/v1/responses", Map.of("model", "mock", "input", userTextStartingAt(PROSE.length()),
                "tools", List.of(strictByDefault), "max_output_tokens", 300));
        JsonNode call = r.at("/output/1");
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(JSON.readTree(call.get("arguments").asText()).get("city").asText()).isIn("Paris", "Rome");

        Map<String, Object> loose = Map.of("type", "function", "name", "get_weather", "parameters", WEATHER, "strict", false);
        JsonNode free = post("/v1/responses", Map.of("model", "mock", "input", userTextStartingAt(PROSE.length()),
                "tools", List.of(loose), "max_output_tokens", 300));
        assertThat(JSON.readTree(free.at("/output/1/arguments").asText()).get("city").asInt()).isEqualTo(42);
    }
}
