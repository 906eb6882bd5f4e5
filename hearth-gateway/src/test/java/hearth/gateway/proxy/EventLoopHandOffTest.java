package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import hearth.gateway.testing.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One kept-alive client connection whose requests are served in turn on the event loop (proxied, plain and
 * streamed) and on threads (the gateway's own routes, a chunked request body): the connection goes back and forth
 * and every answer arrives whole and in order, pipelined ones too.
 */
@Timeout(30)
class EventLoopHandOffTest {
    private MockUpstream upstream;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = new MockUpstream("a", "m");
        gateway = new Gateway(Configs.withoutActiveChecks(Configs.withFast(upstream))).start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aConnectionMovesBetweenTheLoopAndThreadsAndKeepsServing() throws IOException {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            for (int round = 0; round < 3; round++) {
                send(s, post(Client.chat("m", "plain " + round, 2, false)));
                RawResponse plain = RawResponse.read(in);
                assertThat(plain.status()).isEqualTo(200);
                assertThat(plain.head()).containsIgnoringCase("x-hearth-upstream: a").doesNotContainIgnoringCase("connection: close");
                assertThat(Client.json(plain.body()).path("choices").get(0).path("message").path("content").asText()).isNotEmpty();

                send(s, "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n"); // the gateway's own: on a thread
                RawResponse health = RawResponse.read(in);
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\"");

                String chat = Client.chat("m", "chunked " + round, 2, false);
                int half = chat.length() / 2;
                send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half) + "\r\n" + chat.substring(0, half) + "\r\n"
                        + Integer.toHexString(chat.length() - half) + "\r\n" + chat.substring(half) + "\r\n0\r\n\r\n");
                RawResponse chunked = RawResponse.read(in); // a chunked request body is read on a thread
                assertThat(chunked.status()).isEqualTo(200);
                assertThat(chunked.head()).containsIgnoringCase("x-hearth-upstream: a");

                send(s, post(Client.chat("m", "stream " + round, 4, true)));
                RawResponse stream = RawResponse.read(in);
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.head()).containsIgnoringCase("text/event-stream").containsIgnoringCase("transfer-encoding: chunked");
                assertThat(stream.body()).contains("data: ").endsWith("data: [DONE]\n\n");
            }
            // pipelined: a proxied request, the gateway's own, a proxied stream, in one write
            send(s, post(Client.chat("m", "p1", 2, false)) + "GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n"
                    + post(Client.chat("m", "p3", 2, true)));
            assertThat(RawResponse.read(in).head()).containsIgnoringCase("x-hearth-upstream: a");
            assertThat(RawResponse.read(in).body()).contains("ok");
            assertThat(RawResponse.read(in).body()).endsWith("data: [DONE]\n\n");
        }
    }

    private static String post(String json) {
        int n = json.getBytes(StandardCharsets.UTF_8).length;
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: " + n + "\r\n\r\n" + json;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }
}
