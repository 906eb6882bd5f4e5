package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.model.MockModel;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SSE over plain HTTP (mock model): framing, per-event flushing, and a client hanging up mid-stream. */
class StreamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String chat(int maxTokens, String extra) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"max_tokens\":" + maxTokens + extra + "}";
    }

    private static List<JsonNode> events(String body) throws Exception {
        assertThat(body).endsWith("data: [DONE]\n\n");
        List<JsonNode> out = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            assertThat(frame).startsWith("data: ").doesNotContain("\n");
            if (!frame.equals("data: [DONE]")) out.add(JSON.readTree(frame.substring(6)));
        }
        return out;
    }

    @Test
    void eachEventIsFlushedWhenItIsGenerated() throws Exception {
        // 20 tokens at 20 tokens/s take a second; the first event must arrive long before that
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 256), 20, 0);
             RawHttp http = new RawHttp(s, "/v1/chat/completions", chat(20, ""))) {
            long start = System.nanoTime();
            assertThat(http.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            String first = http.nextData();
            long firstMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(first).startsWith("data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":");
            assertThat(firstMs).isLessThan(600);
            String line;
            int data = 1;
            while (!(line = http.nextData()).equals("data: [DONE]")) data++;
            assertThat(data).isEqualTo(22); // 20 deltas, the finish chunk, the usage chunk
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(900);
        }
    }

    @Test
    void textCompletionStreamCarriesTextFinishAndUsageChunks() throws Exception {
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 256), 0, 0)) {
            HttpResponse<String> r = s.post("/v1/completions",
                    "{\"prompt\":\"abc\",\"stream\":true,\"max_tokens\":6,\"stream_options\":{\"include_usage\":true}}");
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            List<JsonNode> ev = events(r.body());
            StringBuilder text = new StringBuilder();
            ev.forEach(e -> e.get("choices").forEach(c -> text.append(c.get("text").asText())));
            assertThat(text.toString()).isEqualTo(MockModel.SCRIPT.substring(3, 9));
            assertThat(ev).allSatisfy(e -> assertThat(e.get("object").asText()).isEqualTo("text_completion"));
            JsonNode finish = ev.get(ev.size() - 2);
            assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
            JsonNode usage = ev.getLast();
            assertThat(usage.get("choices")).isEmpty();
            assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
            assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(6);
        }
    }

    @Test
    void stopStringsEndTheStreamWithoutLeakingAcrossTokens() throws Exception {
        // the script reads "Once upon a time, a small robot ..."; the prompt "ab" puts generation at " upon a time"
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 256), 0, 0)) {
            List<JsonNode> ev = events(s.post("/v1/chat/completions", chat(80, ",\"stop\":[\"a ti\",\"zzz\"]")).body());
            StringBuilder text = new StringBuilder();
            ev.forEach(e -> e.get("choices").forEach(c -> text.append(c.at("/delta/content").asText(""))));
            int promptLength = s.post("/tokenize", "{\"content\":\"<|im_start|>user\\nhi<|im_end|>\\n<|im_start|>assistant\\n\"}")
                    .body().split(",").length;
            String expected = MockModel.SCRIPT.repeat(2).substring(promptLength);
            assertThat(text.toString()).isEqualTo(expected.substring(0, expected.indexOf("a ti")));
            assertThat(ev.get(ev.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void aClientThatHangsUpHasItsGenerationCancelledAtOnce() throws Exception {
        // 2000 tokens at 50/s would run 40 s; after the hang-up the slot must be free within a few steps
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 4096), 50, 0)) {
            try (RawHttp http = new RawHttp(s, "/v1/chat/completions", chat(2000, ""))) {
                assertThat(http.statusLine()).isEqualTo("HTTP/1.1 200 OK");
                http.nextData();
                http.nextData();
                assertThat(s.server.backend().stats().running()).isEqualTo(1);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (s.server.backend().stats().running() > 0 && System.nanoTime() < end) Thread.sleep(10);
            assertThat(s.server.backend().stats().running()).isZero();
            assertThat(s.server.backend().stats().usedBlocks()).isZero();
            assertThat(s.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":2}").statusCode()).isEqualTo(200);
            assertThat(s.get("/metrics").body()).contains("hearth_requests_total{model=\"mock\",status=\"499\"} 1.0");
        }
    }
}
