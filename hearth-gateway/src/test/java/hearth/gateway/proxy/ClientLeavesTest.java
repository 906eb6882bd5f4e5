package hearth.gateway.proxy;

import static hearth.gateway.testing.ScriptedUpstream.readRequest;
import static hearth.gateway.testing.ScriptedUpstream.write;
import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.RawResponse;
import hearth.gateway.testing.ScriptedUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that closes its connection while its request is on the event loop stops the upstream's work at once:
 * before the response head (a long prefill) and in a silence mid-stream, the gateway closes the upstream connection
 * without waiting for its next bytes or for a timeout (headers 5 s, idle 3 s here). And a next request the client
 * sends while a response is still streaming waits in the buffer and is answered after it.
 */
@Timeout(30)
class ClientLeavesTest {
    /** How soon the upstream must see its connection closed: well under the idle (3 s) and headers (5 s) timeouts. */
    private static final long PROMPTLY_MILLIS = 1500;

    private ScriptedUpstream upstream;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
        gateway = new Gateway(Configs.withRawUpstream(Configs.withoutActiveChecks(Configs.fast()), upstream.uri())).start();
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        upstream.close();
    }

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static String post(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /**
     * An upstream that reads the request, sends {@code before} and then nothing: it only waits for the gateway to close
     * the connection, and completes with the nanoTime at which it saw that.
     */
    private CompletableFuture<Long> silentAfter(String before) {
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        upstream.add((in, out) -> {
            readRequest(in);
            if (!before.isEmpty()) write(out, before);
            int b;
            try {
                b = in.read(); // blocks until the gateway closes the connection (or sends something, which it must not)
            } catch (IOException reset) {
                b = -1;
            }
            closedAt.complete(b < 0 ? System.nanoTime() : -1L);
        });
        return closedAt;
    }

    private long millisToClose(CompletableFuture<Long> closedAt, long leftAt) throws Exception {
        long at = closedAt.get(10, TimeUnit.SECONDS);
        assertThat(at).as("the gateway sent the upstream more bytes instead of closing").isPositive();
        return (at - leftAt) / 1_000_000;
    }

    @Test
    void aClientThatLeavesBeforeTheResponseHeadClosesTheUpstreamConnectionAtOnce() throws Exception {
        CompletableFuture<Long> closedAt = silentAfter("");
        long leftAt;
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write(post(Client.chat("m", "a long prompt", 4, true)).getBytes(StandardCharsets.UTF_8));
            Thread.sleep(300); // the request is upstream, which says nothing yet
            leftAt = System.nanoTime();
        }
        assertThat(millisToClose(closedAt, leftAt)).isLessThan(PROMPTLY_MILLIS);
        assertThat(upstream.connections()).as("no retry for a client who left").isEqualTo(1);
        awaitIdle();
    }

    @Test
    void aClientThatLeavesDuringASilenceMidStreamClosesTheUpstreamConnectionAtOnce() throws Exception {
        CompletableFuture<Long> closedAt = silentAfter(HEAD + chunk("data: {\"choices\":[{\"delta\":{\"content\":\"t0\"}}]}\n\n"));
        long leftAt;
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(post(Client.chat("m", "hi", 4, true)).getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            while (!got.toString().contains("t0")) {
                int b = in.read();
                assertThat(b).as("the first event arrives").isNotNegative();
                got.append((char) b);
            }
            leftAt = System.nanoTime();
        }
        assertThat(millisToClose(closedAt, leftAt)).isLessThan(PROMPTLY_MILLIS);
        awaitIdle();
    }

    @Test
    void aRequestSentWhileAResponseStreamsIsAnsweredAfterIt() throws Exception {
        CompletableFuture<Void> secondSent = new CompletableFuture<>();
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, HEAD + chunk("data: {\"n\":1}\n\n"));
            secondSent.get(10, TimeUnit.SECONDS);
            Thread.sleep(100); // the next request is at the gateway meanwhile
            write(out, chunk("data: {\"n\":2}\n\n") + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
            readRequest(in); // the second request comes over the same, pooled, upstream connection
            String body = "{\"second\":true}";
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        });
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(post(Client.chat("m", "first", 2, true)).getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            while (!got.toString().contains("\"n\":1")) got.append((char) in.read());
            s.getOutputStream().write(post(Client.chat("m", "second", 2, false)).getBytes(StandardCharsets.UTF_8));
            secondSent.complete(null);
            while (!got.toString().endsWith("\r\n0\r\n\r\n")) { // the first response to its last chunk
                int b = in.read();
                assertThat(b).as("the first response ends: " + got).isNotNegative();
                got.append((char) b);
            }
            assertThat(got.toString()).contains("\"n\":2").contains("data: [DONE]");
            RawResponse second = RawResponse.read(in);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("{\"second\":true}");
        }
    }

    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        var u = gateway.tiers().getFirst().upstreams().getFirst();
        while (u.inFlight() != 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(u.inFlight()).isZero();
    }
}
