package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hearth's own engine reads text only: an image in a request (Anthropic image block, OpenAI image_url part, Responses
 * input_image) is answered with a 400 in the route's own error shape that says the model does not accept images.
 */
class ImagesRefusedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    private static TestServer server;
    private static AnthropicClient anthropic;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() {
        server = TestServer.mock(ServerConfig.defaults().withChatTemplate("chatml"), TestServer.mockConfig(1, 4, 1024), 0, 0);
        anthropic = AnthropicOkHttpClient.builder().baseUrl(server.uri("/").toString()).apiKey("none").maxRetries(0).build();
        openai = OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey("none").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (anthropic != null) anthropic.close();
        if (openai != null) openai.close();
        if (server != null) server.close();
    }

    @Test
    void anAnthropicImageBlockIsAnInvalidRequestSayingTheModelTakesNoImages() throws IOException {
        MessageCreateParams params = MessageCreateParams.builder().model("claude-local").maxTokens(20)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofText("What is this?"), ContentBlockParam.ofImage(
                        Base64ImageSource.builder().data(PNG).mediaType(Base64ImageSource.MediaType.IMAGE_PNG).build()))).build();
        assertThatThrownBy(() -> anthropic.messages().create(params)).isInstanceOfSatisfying(BadRequestException.class,
                e -> assertThat(e.getMessage()).contains("does not accept images"));

        HttpResponse<String> r = server.post("/v1/messages", """
                {"model":"claude-local","max_tokens":20,"messages":[{"role":"user","content":[{"type":"text","text":"hi"},
                 {"type":"image","source":{"type":"url","url":"https://example.org/cat.png"}}]}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/message").asText()).contains("messages[0].content[1]").contains("does not accept images");
    }

    @Test
    void anImageInsideAToolResultIsRefusedToo() throws IOException {
        HttpResponse<String> r = server.post("/v1/messages", """
                {"model":"claude-local","max_tokens":20,"messages":[{"role":"user","content":"look"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"screenshot","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                   {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]}]}]}""".formatted(PNG));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("messages[2].content[0].content[0]").contains("does not accept images");
    }

    @Test
    void anOpenAiImageUrlPartIsAnInvalidRequestSayingTheModelTakesNoImages() throws IOException {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("mock").addUserMessageOfArrayOfContentParts(List.of(
                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                        ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64," + PNG).build()).build()))).build();
        assertThatThrownBy(() -> openai.chat().completions().create(params))
                .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("does not accept images");
                });

        HttpResponse<String> r = server.post("/v1/chat/completions", """
                {"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://example.org/a.png"}}]}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("param").asText()).isEqualTo("messages[0].content[1]");
    }

    @Test
    void aResponsesInputImageIsRefused() throws IOException {
        HttpResponse<String> r = server.post("/v1/responses", """
                {"input":[{"role":"user","content":[{"type":"input_image","image_url":"https://example.org/a.png"}]}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("does not accept images");
    }
}
