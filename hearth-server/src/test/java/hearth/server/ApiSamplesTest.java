package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.TestData;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recorded llama-server answers for stories260K with ChatML (conformance/api-samples): same text, same shapes. */
class ApiSamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIR = "conformance/api-samples/";
    private static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.stories(ServerConfig.defaults().withChatTemplate("chatml"), 1);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static JsonNode sample(String name) throws IOException {
        return JSON.readTree(Files.readString(TestData.require(DIR + name)));
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    @Test
    void applyTemplateRendersTheSamplePrompt() throws IOException {
        JsonNode s = sample("stories260K-chatml__apply-template.json");
        HttpResponse<String> r = server.post("/apply-template", s.get("request").toString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body())).isEqualTo(s.get("response"));
    }

    @Test
    void nonStreamedChatMatchesTheSampleTextUsageAndShape() throws IOException {
        JsonNode s = sample("stories260K-chatml__chat.json");
        HttpResponse<String> r = server.post("/v1/chat/completions", s.get("request").toString());
        assertThat(r.statusCode()).isEqualTo(200);
        // the same media type; Jetty spells the parameter without the space
        assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
                .isEqualTo(s.get("content_type").asText().replace(" ", ""));
        JsonNode got = JSON.readTree(r.body());
        JsonNode want = s.get("response");
        assertThat(got.at("/choices/0/message")).isEqualTo(want.at("/choices/0/message"));
        assertThat(got.at("/choices/0/finish_reason")).isEqualTo(want.at("/choices/0/finish_reason"));
        assertThat(got.get("usage")).isEqualTo(want.get("usage"));
        assertThat(keys(got)).isEqualTo(keys(want));
        assertThat(keys(got.at("/choices/0"))).isEqualTo(keys(want.at("/choices/0")));
        assertThat(keys(got.get("timings"))).isEqualTo(keys(want.get("timings")));
        assertThat(got.get("id").asText()).startsWith("chatcmpl-").hasSize(want.get("id").asText().length());
        assertThat(got.get("object").asText()).isEqualTo("chat.completion");
    }

    /**
     * The same chunks as the sample, except that usage and timings come in one more chunk with no choices after the
     * finish chunk instead of inside it: OpenAI's shape, which llama-server adopted later (llama.cpp PR 15444), and
     * which the official SDK's stream accumulator needs (it reads any chunk with usage as the choice-less last one).
     */
    @Test
    void streamedChatHasTheSampleFramingChunksAndText() throws IOException {
        JsonNode req = sample("stories260K-chatml__chat-stream.request.json").get("request");
        String want = Files.readString(TestData.require(DIR + "stories260K-chatml__chat-stream.sse.txt"));
        HttpResponse<String> r = server.post("/v1/chat/completions", req.toString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        String got = r.body();
        assertThat(got).endsWith("\n\ndata: [DONE]\n\n");
        String[] gotEvents = got.split("\n\n");
        String[] wantEvents = want.split("\n\n");
        assertThat(gotEvents).hasSize(wantEvents.length + 1);
        int finish = wantEvents.length - 2;
        for (int i = 0; i <= finish; i++) {
            assertThat(gotEvents[i]).startsWith("data: {");
            JsonNode g = JSON.readTree(gotEvents[i].substring(6));
            JsonNode w = JSON.readTree(wantEvents[i].substring(6));
            assertThat(g.get("choices")).as("chunk %d choices", i).isEqualTo(w.get("choices"));
            List<String> wantKeys = keys(w);
            wantKeys.removeAll(List.of("usage", "timings"));
            assertThat(keys(g)).as("chunk %d members", i).isEqualTo(wantKeys);
        }
        JsonNode usage = JSON.readTree(gotEvents[finish + 1].substring(6));
        JsonNode wantFinish = JSON.readTree(wantEvents[finish].substring(6));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage")).isEqualTo(wantFinish.get("usage"));
        assertThat(keys(usage.get("timings"))).isEqualTo(keys(wantFinish.get("timings")));
        assertThat(gotEvents[finish + 2]).isEqualTo("data: [DONE]");
    }
}
