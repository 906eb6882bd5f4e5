package hearth.server.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.UrlImageSource;
import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.ServerConfig;
import hearth.server.TestServer;
import hearth.server.backend.EngineFixture;
import hearth.server.backend.ProxyBackend;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Messages API in front of an OpenAI-compatible engine (a stand-in in this JVM), through the Anthropic
 * Java SDK: the request reaches the engine as a chat completion — image blocks as image_url parts — and the engine's
 * thinking, text and tool call come back as Anthropic blocks, whole and streamed.
 */
class ForwardedMessagesTest {
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    private OpenAiStub engine;
    private TestServer hearth;
    private AnthropicClient client;

    @BeforeEach
    void start() throws Exception {
        engine = new OpenAiStub();
        ProxyBackend backend = new ProxyBackend(OpenAiStub.MODEL, true, engine.uri(), "upstream-key", Duration.ofSeconds(30), Duration.ofMillis(200));
        hearth = TestServer.over(ServerConfig.defaults(), backend);
        assertThat(EngineFixture.await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(10))).isTrue();
        client = AnthropicOkHttpClient.builder().baseUrl(hearth.uri("/").toString()).apiKey("none").maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (hearth != null) hearth.close();
        if (engine != null) engine.close();
    }

    private static MessageCreateParams withImages() {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(100).system("Be brief.")
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofText("What is in these?"),
                        ContentBlockParam.ofImage(Base64ImageSource.builder().data(PNG).mediaType(Base64ImageSource.MediaType.IMAGE_PNG).build()),
                        ContentBlockParam.ofImage(UrlImageSource.builder().url("https://example.org/cat.jpg").build())))
                .build();
    }

    @Test
    void imageBlocksReachTheEngineAsImageUrlPartsInOrder() {
        client.messages().create(withImages());
        JsonNode body = engine.lastBody;
        assertThat(body.get("model").asText()).as("a pinned engine is asked for its own model").isEqualTo(OpenAiStub.MODEL);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        JsonNode parts = body.at("/messages/1/content");
        assertThat(parts.size()).isEqualTo(3);
        assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
        assertThat(parts.get(0).get("text").asText()).isEqualTo("What is in these?");
        assertThat(parts.get(1).at("/image_url/url").asText()).isEqualTo("data:image/png;base64," + PNG);
        assertThat(parts.get(2).at("/image_url/url").asText()).isEqualTo("https://example.org/cat.jpg");
        assertThat(engine.lastAuthorization).isEqualTo("Bearer upstream-key");
    }

    @Test
    void theEnginesAnswerComesBackAsThinkingTextAndToolUseBlocks() {
        Message m = client.messages().create(withImages());
        assertThat(m.model().asString()).isEqualTo("claude-sonnet-4-5");
        List<ContentBlock> blocks = m.content();
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).asThinking().thinking()).isEqualTo("A red square.");
        assertThat(blocks.get(1).asText().text()).isEqualTo("I see a red square.");
        assertThat(blocks.get(2).asToolUse().name()).isEqualTo("get_weather");
        assertThat(blocks.get(2).asToolUse().id()).isEqualTo("call_7");
        assertThat(blocks.get(2).asToolUse()._input().toString()).contains("Paris");
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
        assertThat(m.usage().inputTokens()).isEqualTo(21);
        assertThat(m.usage().outputTokens()).isEqualTo(9);
    }

    @Test
    void aStreamedAnswerBecomesAnthropicsEventSequence() {
        MessageAccumulator acc = MessageAccumulator.create();
        List<String> types = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(withImages())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                if (e.isMessageStart()) types.add("message_start");
                if (e.isContentBlockStart()) types.add("content_block_start");
                if (e.isMessageDelta()) types.add("message_delta");
                if (e.isMessageStop()) types.add("message_stop");
            });
        }
        assertThat(types).containsExactly("message_start", "content_block_start", "content_block_start", "content_block_start",
                "message_delta", "message_stop");
        Message m = acc.message();
        assertThat(m.content()).hasSize(3);
        assertThat(m.content().get(0).asThinking().thinking()).isEqualTo("A red square.");
        assertThat(m.content().get(1).asText().text()).isEqualTo("I see a red square.");
        assertThat(m.content().get(2).asToolUse()._input().toString()).contains("Paris");
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
        assertThat(m.usage().outputTokens()).isEqualTo(9);
        assertThat(engine.lastBody.get("stream").asBoolean()).isTrue();
        assertThat(engine.lastBody.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void toolsToolChoiceAndToolResultImagesAreTranslated() throws Exception {
        HttpResponse<String> r = hearth.post("/v1/messages", """
                {"model":"claude-local","max_tokens":50,"stop_sequences":["END"],
                 "tools":[{"name":"screenshot","description":"takes one","input_schema":{"type":"object","properties":{}}}],
                 "tool_choice":{"type":"tool","name":"screenshot","disable_parallel_tool_use":true},
                 "messages":[{"role":"user","content":"look"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"screenshot","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"the screen"},
                    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}}]}]}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode b = engine.lastBody;
        assertThat(b.at("/tools/0/function/name").asText()).isEqualTo("screenshot");
        assertThat(b.at("/tool_choice/function/name").asText()).isEqualTo("screenshot");
        assertThat(b.get("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(b.at("/stop/0").asText()).isEqualTo("END");
        assertThat(b.at("/messages/1/tool_calls/0/id").asText()).isEqualTo("t1");
        assertThat(b.at("/messages/2/role").asText()).isEqualTo("tool");
        assertThat(b.at("/messages/2/content").asText()).isEqualTo("the screen");
        // an OpenAI tool message holds text only: the result's image follows as a user message
        assertThat(b.at("/messages/3/role").asText()).isEqualTo("user");
        assertThat(b.at("/messages/3/content/0/image_url/url").asText()).isEqualTo("data:image/jpeg;base64,AAAA");
    }

    @Test
    void anEngineRefusalIsAnAnthropicErrorWithItsMessage() throws Exception {
        HttpResponse<String> r = hearth.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":13,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = OpenAiStub.JSON.readTree(r.body());
        assertThat(e.get("type").asText()).isEqualTo("error");
        assertThat(e.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.at("/error/message").asText()).contains("exceeds the available context size");
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("m").maxTokens(13).addUserMessage("hi").build()))
                .isInstanceOf(BadRequestException.class);
    }
}
