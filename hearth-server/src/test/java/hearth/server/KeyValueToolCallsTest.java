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
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forced calls in the key/value markup of Qwen3-Coder and GLM-4.5 ({@code --tool-parser}), through the server and the
 * OpenAI Java SDK: stories260K knows no tools, so the grammar writes the call, and the arguments come back typed by
 * the schema — a string parameter stays a string even when its text reads as a number.
 */
class KeyValueToolCallsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> SHIP = Map.of("type", "object",
            "properties", Map.of("zip", Map.of("type", "string", "enum", List.of("75001", "10115")),
                    "parcels", Map.of("type", "integer", "minimum", 1, "maximum", 9),
                    "express", Map.of("type", "boolean")),
            "required", List.of("zip", "parcels", "express"), "additionalProperties", false);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen3_coder", "glm45"})
    void aRequiredCallComesBackWithArgumentsOfTheSchemasTypes(String parser) throws IOException {
        try (TestServer server = TestServer.stories(ServerConfig.defaults().withChatTemplate("chatml").withToolParser(parser), 1)) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey("none").maxRetries(0)
                    .timeout(Duration.ofSeconds(60)).build();
            try {
                FunctionParameters.Builder p = FunctionParameters.builder();
                SHIP.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
                for (long seed = 1; seed <= 3; seed++) {
                    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("stories260K")
                            .addUserMessage("Ship it.").addFunctionTool(FunctionDefinition.builder().name("ship").parameters(p.build()).build())
                            .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).temperature(1.0).seed(seed).maxCompletionTokens(200).build());
                    ChatCompletion.Choice choice = c.choices().getFirst();
                    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
                    ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
                    assertThat(call.function().name()).isEqualTo("ship");
                    JsonNode args = JSON.readTree(call.function().arguments());
                    assertThat(args.get("zip").isTextual()).as(args.toString()).isTrue();
                    assertThat(args.get("zip").asText()).isIn("75001", "10115");
                    assertThat(args.get("parcels").isInt()).isTrue();
                    assertThat(args.get("parcels").asInt()).isBetween(1, 9);
                    assertThat(args.get("express").isBoolean()).isTrue();
                    assertThat(choice.message().content()).isEmpty();
                }
            } finally {
                client.close();
            }
        }
    }
}
