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
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Constrained decoding through the server: stories260K knows nothing of tools or JSON, so with ChatML and
 * {@code --tool-parser hermes} the grammar alone makes its output a valid call or a schema-valid object, at any seed.
 */
class ConstrainedOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.stories(ServerConfig.defaults().withChatTemplate("chatml").withToolParser("hermes"), 2);
        client = OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey("none").maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private static FunctionDefinition function(String name, Map<String, Object> schema) {
        FunctionParameters.Builder p = FunctionParameters.builder();
        schema.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
        return FunctionDefinition.builder().name(name).parameters(p.build()).strict(true).build();
    }

    private static final Map<String, Object> WEATHER = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "enum", List.of("Paris", "Rome", "Oslo")),
                    "days", Map.of("type", "integer", "minimum", 1, "maximum", 7)),
            "required", List.of("city", "days"), "additionalProperties", false);
    private static final Map<String, Object> TIME = Map.of("type", "object",
            "properties", Map.of("zone", Map.of("type", "string", "enum", List.of("UTC", "CET"))),
            "required", List.of("zone"), "additionalProperties", false);

    private static ChatCompletionCreateParams.Builder toolChat(long seed) {
        return ChatCompletionCreateParams.builder().model("stories260K").addUserMessage("What is the weather?")
                .addFunctionTool(function("get_weather", WEATHER)).addFunctionTool(function("get_time", TIME))
                .temperature(1.0).seed(seed).maxCompletionTokens(200);
    }

    private static void assertValidWeather(JsonNode args) {
        assertThat(args.get("city").asText()).isIn("Paris", "Rome", "Oslo");
        assertThat(args.get("days").isInt()).isTrue();
        assertThat(args.get("days").asInt()).isBetween(1, 7);
        assertThat(args.size()).isEqualTo(2);
    }

    @Test
    void requiredToolChoiceMakesEverySeedCallATool() throws IOException {
        for (long seed = 1; seed <= 4; seed++) {
            ChatCompletion c = client.chat().completions().create(toolChat(seed)
                    .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
            ChatCompletion.Choice choice = c.choices().getFirst();
            assertThat(choice.finishReason()).as("seed %d", seed).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            List<?> calls = choice.message().toolCalls().orElseThrow();
            assertThat(calls).hasSize(1);
            ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().get().getFirst().asFunction();
            JsonNode args = JSON.readTree(call.function().arguments());
            if (call.function().name().equals("get_weather")) assertValidWeather(args);
            else {
                assertThat(call.function().name()).isEqualTo("get_time");
                assertThat(args.get("zone").asText()).isIn("UTC", "CET");
            }
        }
    }

    @Test
    void aNamedToolChoiceCallsThatFunctionWithSchemaValidArguments() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion c = client.chat().completions().create(toolChat(seed).toolChoice(ChatCompletionNamedToolChoice.builder()
                    .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build()).build());
            ChatCompletionMessageFunctionToolCall call = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
            assertThat(call.function().name()).isEqualTo("get_weather");
            assertThat(call.id()).isNotBlank();
            assertValidWeather(JSON.readTree(call.function().arguments()));
        }
    }

    @Test
    void jsonSchemaResponseFormatMakesTheContentValidateAgainstTheSchema() throws IOException {
        for (int seed = 1; seed <= 4; seed++) {
            String body = JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", "Weather?")),
                    "temperature", 1.0, "seed", seed, "max_tokens", 200,
                    "response_format", Map.of("type", "json_schema", "json_schema", Map.of("name", "weather", "strict", true, "schema", WEATHER))));
            JsonNode r = JSON.readTree(server.post("/v1/chat/completions", body).body());
            assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertValidWeather(JSON.readTree(r.at("/choices/0/message/content").asText()));
        }
    }

    @Test
    void jsonObjectResponseFormatStartsAJsonObjectAtOnce() throws IOException {
        // stories260K rarely closes a free-form object within a few tokens; what it writes must still be the start of one
        String body = JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", "Answer in JSON.")),
                "temperature", 0, "max_tokens", 40, "response_format", Map.of("type", "json_object")));
        JsonNode r = JSON.readTree(server.post("/v1/chat/completions", body).body());
        assertThat(r.at("/choices/0/message/content").asText()).matches("(?s)\\{\\s*(\"|\\}).*");
    }

    @Test
    void jsonObjectWithASchemaMemberFollowsTheSchema() throws IOException {
        String body = JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", "Time zone?")),
                "temperature", 1.0, "seed", 7, "max_tokens", 100, "response_format", Map.of("type", "json_object", "schema", TIME)));
        JsonNode r = JSON.readTree(server.post("/v1/chat/completions", body).body());
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(JSON.readTree(r.at("/choices/0/message/content").asText()).get("zone").asText()).isIn("UTC", "CET");
    }

    @Test
    void aToolChoiceNamingAnUnknownFunctionIs400() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_time\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}}";
        HttpResponse<String> r = server.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("tool_choice").contains("nope");
    }

    @Test
    void anUnknownResponseFormatTypeIs400() {
        HttpResponse<String> r = server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"yaml\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("response_format.type");
    }
}
