package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.StructuredResponseOutputMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Responses API's {@code text.format} drives the same constrained decoding as chat's {@code response_format}:
 * stories260K knows nothing of JSON, so the grammar alone makes its answer an object of the schema, read back by the
 * OpenAI Java SDK (also as a typed structured response), whole and streamed.
 */
class ResponsesTextFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> WEATHER = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "enum", List.of("Paris", "Rome", "Oslo")),
                    "days", Map.of("type", "integer", "minimum", 1, "maximum", 7)),
            "required", List.of("city", "days"), "additionalProperties", false);
    private static TestServer server;
    private static OpenAIClient client;

    /** A typed answer: the SDK derives its schema (all properties required, no others) and parses the output into it. */
    public enum City { PARIS, ROME }

    public record Forecast(City city, boolean hourly) {}

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.stories(ServerConfig.defaults().withChatTemplate("chatml"), 2);
        client = OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey("none").maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private static void assertValidWeather(JsonNode w) {
        assertThat(w.get("city").asText()).isIn("Paris", "Rome", "Oslo");
        assertThat(w.get("days").asInt()).isBetween(1, 7);
        assertThat(w.size()).isEqualTo(2);
    }

    @Test
    void aJsonSchemaFormatMakesTheOutputTextValidateForTheSdk() throws IOException {
        ResponseFormatTextJsonSchemaConfig.Schema.Builder schema = ResponseFormatTextJsonSchemaConfig.Schema.builder();
        WEATHER.forEach((k, v) -> schema.putAdditionalProperty(k, JsonValue.from(v)));
        for (int run = 0; run < 3; run++) {
            Response r = client.responses().create(ResponseCreateParams.builder().model("stories260K").input("Weather?")
                    .temperature(1.0).maxOutputTokens(200)
                    .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder().name("weather")
                            .schema(schema.build()).strict(true).build()).build()).build());
            assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
            String text = r.output().getFirst().asMessage().content().getFirst().asOutputText().text();
            assertValidWeather(JSON.readTree(text));
        }
    }

    @Test
    void aTypedStructuredResponseParsesIntoTheRecord() {
        for (int run = 0; run < 2; run++) {
            StructuredResponse<Forecast> r = client.responses().create(ResponseCreateParams.builder().model("stories260K")
                    .input("Forecast?").temperature(1.0).maxOutputTokens(200).text(Forecast.class).build());
            assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
            Forecast f = r.output().stream().flatMap(o -> o.message().stream()).flatMap(m -> m.content().stream())
                    .flatMap(c -> c.outputText().stream()).findFirst().orElseThrow();
            assertThat(f.city()).isNotNull();
        }
    }

    @Test
    void aStreamedJsonSchemaAnswerAddsUpToAValidObject() throws IOException {
        Map<String, Object> body = Map.of("model", "stories260K", "input", "Weather?", "stream", true, "max_output_tokens", 200,
                "temperature", 1.0, "text", Map.of("format", Map.of("type", "json_schema", "name", "weather", "strict", true, "schema", WEATHER)));
        HttpResponse<String> r = server.post("/v1/responses", JSON.writeValueAsString(body));
        StringBuilder deltas = new StringBuilder();
        JsonNode completed = null;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ")) continue;
            JsonNode e = JSON.readTree(line.substring(6));
            if (e.get("type").asText().equals("response.output_text.delta")) deltas.append(e.get("delta").asText());
            if (e.get("type").asText().equals("response.completed")) completed = e.get("response");
        }
        assertValidWeather(JSON.readTree(deltas.toString()));
        assertThat(completed.at("/text/format/type").asText()).isEqualTo("json_schema");
    }

    @Test
    void aJsonObjectFormatStartsAnObjectAtOnce() throws IOException {
        List<String> texts = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            HttpResponse<String> r = server.post("/v1/responses", JSON.writeValueAsString(Map.of("model", "stories260K",
                    "input", "Answer in JSON.", "max_output_tokens", 40, "text", Map.of("format", Map.of("type", "json_object")))));
            assertThat(r.statusCode()).isEqualTo(200);
            texts.add(JSON.readTree(r.body()).at("/output/0/content/0/text").asText());
        }
        // an object without a schema is unbounded: within 40 tokens it is at least begun
        assertThat(texts).allSatisfy(t -> assertThat(t).matches("(?s)\\{\\s*(\"|\\}).*"));
    }

    @Test
    void aTextFormatLeavesTheAnswerFreeAndIsEchoed() throws IOException {
        HttpResponse<String> r = server.post("/v1/responses", JSON.writeValueAsString(Map.of("model", "stories260K",
                "input", "Tell a story.", "max_output_tokens", 20, "temperature", 0, "text", Map.of("format", Map.of("type", "text")))));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/output/0/content/0/text").asText()).as("plain output reaches the message").isNotBlank().doesNotStartWith("{");
        assertThat(body.at("/text/format/type").asText()).isEqualTo("text");
    }

    @Test
    void anUnknownFormatTypeOrAMissingSchemaIs400() throws IOException {
        HttpResponse<String> yaml = server.post("/v1/responses", JSON.writeValueAsString(Map.of("input", "hi",
                "text", Map.of("format", Map.of("type", "yaml")))));
        assertThat(yaml.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(yaml.body()).at("/error/param").asText()).isEqualTo("text.format.type");
        HttpResponse<String> noSchema = server.post("/v1/responses", JSON.writeValueAsString(Map.of("input", "hi",
                "text", Map.of("format", Map.of("type", "json_schema", "name", "x")))));
        assertThat(noSchema.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noSchema.body()).at("/error/param").asText()).isEqualTo("text.format.schema");
    }
}
