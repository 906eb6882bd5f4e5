package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The SSE reader times only text-bearing chunks and reads usage, finish reason and the end of the stream. */
class ChunkReaderTest {
    @Test
    void chatChunksWithoutTextAreNotTokens() {
        ChunkReader r = new ChunkReader();
        r.dispatch("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}", 10);
        r.dispatch("{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}", 20);
        r.dispatch("{\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}", 25);
        r.dispatch("{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}", 30);
        r.dispatch("{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}", 40);
        r.dispatch("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}}", 41);
        assertThat(r.dispatch("[DONE]", 42)).isFalse();
        assertThat(r.chunkTimes()).containsExactly(20, 25, 30);
        assertThat(r.text()).isEqualTo("Helhmmlo");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.completionTokens()).isEqualTo(4);
        assertThat(r.promptTokens()).isEqualTo(5);
        assertThat(r.done()).isTrue();
    }

    @Test
    void toolCallDeltasCountAsGeneratedOutput() {
        ChunkReader r = new ChunkReader();
        r.dispatch("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]}}]}", 5);
        assertThat(r.chunks()).isEqualTo(1);
    }

    @Test
    void sseFramingIsHonoured() throws Exception {
        String stream = ": keep-alive\n\nevent: message\ndata: {\"choices\":[{\"text\":\"a\"}]}\n\n"
                + "data:{\"choices\":[{\"text\":\"b\",\"finish_reason\":\"length\"}],\"usage\":null}\r\n\r\n"
                + "data: [DONE]\n\ndata: {\"choices\":[{\"text\":\"after done\"}]}\n\n";
        ChunkReader r = new ChunkReader();
        r.read(new BufferedReader(new StringReader(stream)));
        assertThat(r.text()).isEqualTo("ab");
        assertThat(r.completionTokens()).isEqualTo(-1);
        assertThat(r.done()).isTrue();
    }

    @Test
    void aStreamThatEndsWithoutDoneIsNotDone() throws Exception {
        ChunkReader r = new ChunkReader();
        r.read(new BufferedReader(new StringReader("data: {\"choices\":[{\"text\":\"a\"}]}\n\n")));
        assertThat(r.done()).isFalse();
        assertThat(r.finishReason()).isNull();
    }

    @Test
    void garbageIsAMalformedResponse() {
        ChunkReader r = new ChunkReader();
        assertThat(r.dispatch("<html>502 Bad Gateway</html>", 1)).isFalse();
        assertThat(r.error().kind()).isEqualTo(ErrorKind.BAD_RESPONSE);
    }

    @Test
    void aWholeResponseIsReadForNonStreamingRequests() {
        ChunkReader r = new ChunkReader();
        r.whole("{\"choices\":[{\"message\":{\"content\":\"hi there\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}");
        assertThat(r.text()).isEqualTo("hi there");
        assertThat(r.completionTokens()).isEqualTo(2);
        assertThat(r.chunks()).isZero();
    }
}
