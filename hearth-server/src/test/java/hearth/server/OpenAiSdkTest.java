package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the server (stories260K, API key required): API truth = the client. */
class OpenAiSdkTest {
    private static final String KEY = "sk-hearth-test-key";
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.stories(ServerConfig.defaults().withApiKeys(List.of(KEY)).withChatTemplate("chatml"), 2);
        client = client(KEY);
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(server.uri("/v1").toString()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model("stories260K")
                .addSystemMessage("You are a storyteller.").addUserMessage("Tell me a story about a little dog.")
                .temperature(0).maxCompletionTokens(24);
    }

    @Test
    void nonStreamedChatReturnsTheGreedyStoryWithUsage() {
        ChatCompletion c = client.chat().completions().create(chat().build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).hasValue("\"Here,\" Annack.\nThey climbs the do");
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(93);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(24);
        assertThat(c.model()).isEqualTo("stories260K");
    }

    @Test
    void streamedChatDeltasAddUpToTheNonStreamedTextAndEndWithUsage() {
        ChatCompletionCreateParams p = chat().streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(ch -> {
                chunks.add(acc.accumulate(ch));
                ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        ChatCompletion whole = acc.chatCompletion();
        assertThat(whole.choices().getFirst().message().content()).hasValue(text.toString());
        assertThat(whole.usage().orElseThrow().totalTokens()).isEqualTo(93 + 24);
        assertThat(text.toString()).isEqualTo("\"Here,\" Annack.\nThey climbs the do");
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(24);
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    }

    @Test
    void textCompletionContinuesThePromptGreedily() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("stories260K")
                .prompt("Once upon a time").maxTokens(32).temperature(0).build());
        // llama.cpp's greedy reference for this prompt (conformance/stories260K__once_upon.json)
        assertThat(c.choices().getFirst().text())
                .isEqualTo(", there was a little girl named Lily. She loved to play outside in the park. One day, she saw");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(5);
    }

    @Test
    void chatWithTwoChoicesLogprobsAndStopIsUnderstoodByTheClient() {
        ChatCompletion c = client.chat().completions().create(chat().temperature(0.9).seed(7).n(2)
                .logprobs(true).topLogprobs(3).stop("\n").build());
        assertThat(c.choices()).hasSize(2).allSatisfy(ch -> {
            String content = ch.message().content().orElseThrow();
            assertThat(content).doesNotContain("\n");
            var lp = ch.logprobs().orElseThrow().content().orElseThrow();
            assertThat(lp).isNotEmpty().allSatisfy(t -> assertThat(t.topLogprobs()).hasSize(3));
        });
        assertThat(c.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L);
    }

    @Test
    void modelsListNamesTheLoadedModel() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("stories260K");
        assertThat(client.models().retrieve("stories260K").ownedBy()).isEqualTo("hearth");
    }

    @Test
    void unknownModelIsNotFound() {
        assertThatThrownBy(() -> client.chat().completions().create(chat().model("gpt-nope").build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aWrongApiKeyIsRejectedWith401() {
        OpenAIClient bad = client("sk-wrong");
        try {
            assertThatThrownBy(() -> bad.models().list())
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("invalid API key");
                    });
        } finally {
            bad.close();
        }
    }
}
