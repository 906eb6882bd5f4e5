package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStatus;
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
 * OpenAI's Responses API (as Codex-style clients use it): the mock model writes Hermes tool-call markup, which comes
 * back as a function_call output item (OpenAI Java SDK), and as the documented event sequence when streamed.
 */
class ResponsesApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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
    private static final Map<String, Object> TOOL = Map.of("type", "function", "name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))));
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
        String probe = "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"x\"}}]}";
        String prompt = JSON.readTree(server.post("/apply-template", probe).body()).get("prompt").asText();
        int tokens = JSON.readTree(server.post("/tokenize", JSON.writeValueAsString(Map.of("content", prompt))).body()).get("tokens").size();
        userText = "x".repeat(SCRIPT.length() - tokens % SCRIPT.length());
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    @Test
    void aGeneratedCallIsAFunctionCallItemForTheSdk() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("mock").input(userText).maxOutputTokens(200)
                .addTool(FunctionTool.builder().name("get_weather").strict(false).parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object")).build()).build()).build());
        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        ResponseFunctionToolCall call = r.output().stream().flatMap(o -> o.functionCall().stream()).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualToIgnoringWhitespace("{\"city\": \"Paris\"}");
        assertThat(call.callId()).isNotBlank();
    }

    @Test
    void aStreamedCallSendsTheResponsesEventSequence() throws IOException {
        HttpResponse<String> r = server.post("/v1/responses", JSON.writeValueAsString(Map.of("model", "mock", "input", userText,
                "tools", List.of(TOOL), "stream", true, "max_output_tokens", 200)));
        List<String> types = new ArrayList<>();
        StringBuilder args = new StringBuilder();
        JsonNode completed = null;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ")) continue;
            JsonNode e = JSON.readTree(line.substring(6));
            types.add(e.get("type").asText());
            if (e.get("type").asText().equals("response.function_call_arguments.delta")) args.append(e.get("delta").asText());
            if (e.get("type").asText().equals("response.completed")) completed = e.get("response");
        }
        assertThat(types.getFirst()).isEqualTo("response.created");
        assertThat(types.getLast()).isEqualTo("response.completed");
        assertThat(types).containsSubsequence("response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done");
        assertThat(args.toString()).isEqualToIgnoringWhitespace("{\"city\": \"Paris\"}");
        assertThat(completed.at("/output/0/type").asText()).isEqualTo("function_call");
        assertThat(completed.at("/output/0/name").asText()).isEqualTo("get_weather");
        assertThat(completed.at("/usage/output_tokens").asInt()).isEqualTo(CALL.length());
    }

    @Test
    void aFunctionCallOutputGoesBackIntoThePrompt() throws IOException {
        List<Object> input = List.of(Map.of("role", "user", "content", "weather?"),
                Map.of("type", "function_call", "call_id", "call_1", "name", "get_weather", "arguments", "{\"city\":\"Paris\"}"),
                Map.of("type", "function_call_output", "call_id", "call_1", "output", "18 degrees and sunny"));
        HttpResponse<String> r = server.post("/v1/responses", JSON.writeValueAsString(Map.of("model", "mock", "input", input,
                "instructions", "Be brief.", "max_output_tokens", 3)));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("incomplete");
        assertThat(body.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThat(body.at("/output/0/type").asText()).isEqualTo("message");
        // the prompt holds instructions, question and tool result: longer than the question alone
        assertThat(body.at("/usage/input_tokens").asInt()).isGreaterThan("Be brief.weather?18 degrees and sunny".length());
    }
}
