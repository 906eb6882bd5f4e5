package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client that hangs up on a non-streamed request (which writes nothing until the answer is complete) has its
 * generation cancelled and its slot freed at once, on every generating route; a request running beside it is
 * unaffected, and a client that sends more bytes on the connection meanwhile is not taken for gone.
 */
class NonStreamedDisconnectTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2000}",
        "/v1/completions      | {\"prompt\":\"a\",\"max_tokens\":2000}",
        "/v1/messages         | {\"model\":\"mock\",\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "/v1/responses        | {\"model\":\"mock\",\"input\":\"hi\",\"max_output_tokens\":2000}",
    })
    void aClientThatHangsUpFreesItsSlotAtOnce(String path, String body) throws Exception {
        // 2000 tokens at 50/s would run 40 s; the neighbour's 100 tokens take 2 s
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(2, 4, 4096), 50, 0)) {
            CompletableFuture<HttpResponse<String>> neighbour;
            try (RawHttp abandoned = new RawHttp(s, path, body)) {
                awaitRunning(s, n -> n == 1, 10);
                neighbour = s.http.sendAsync(HttpRequest.newBuilder(s.uri("/v1/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"b\",\"max_tokens\":100}"))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                awaitRunning(s, n -> n == 2, 10);
            }
            long closed = System.nanoTime();
            awaitRunning(s, n -> n <= 1, 3);
            double freedMs = (System.nanoTime() - closed) / 1e6;
            System.out.printf("%s: slot freed %.0f ms after the hang-up%n", path, freedMs);
            assertThat(freedMs).isLessThan(1500);

            HttpResponse<String> r = neighbour.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).at("/usage/completion_tokens").asInt()).isEqualTo(100);
            awaitRunning(s, n -> n == 0, 3);
            assertThat(s.server.backend().stats().usedBlocks()).isZero();
            assertThat(s.get("/metrics").body()).contains("hearth_requests_total{model=\"mock\",status=\"499\"} 1.0");
        }
    }

    @org.junit.jupiter.api.Test
    void aClientThatPipelinesAnotherRequestIsNotTakenForGoneAndItsConnectionClosesAfterTheAnswer() throws Exception {
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(1, 4, 4096), 50, 0);
             Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(10_000);
            String body = "{\"prompt\":\"a\",\"max_tokens\":20}";
            String first = "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body;
            OutputStream out = socket.getOutputStream();
            out.write(first.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitRunning(s, n -> n == 1, 10);
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the probe may have taken the 'G': the answer to the first request must still be whole, and the
            // connection must end after it rather than parse a garbled second request
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("connection: close");
            String json = all.substring(all.indexOf("\r\n\r\n") + 4);
            assertThat(JSON.readTree(json).at("/usage/completion_tokens").asInt()).isEqualTo(20);
            assertThat(all).doesNotContain("HTTP/1.1 400");
        }
    }

    private static void awaitRunning(TestServer s, IntPredicate ok, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.test(s.server.backend().stats().running()) && System.nanoTime() < end) Thread.sleep(10);
        assertThat(s.server.backend().stats().running()).matches(ok::test, "running requests as expected");
    }
}
