package hearth.gateway.proxy;

import static hearth.gateway.testing.ScriptedUpstream.readRequest;
import static hearth.gateway.testing.ScriptedUpstream.write;
import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.ProxyConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.ScriptedUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams after their first event, as the relay loop takes them: through a gateway whose one upstream is a raw socket
 * server writing exactly the bytes (and pauses) each case needs. {@link RelayWithoutLoopTest} runs the same cases
 * with a thread per stream ({@code relay_loop: false}), {@link EventLoopRelayTest} on the event loop, which serves
 * the whole request ({@code event_loop: true}, the default); here connections have threads ({@code event_loop: false}).
 */
class RelayLoopTest {
    boolean relayLoop() {
        return true;
    }

    boolean eventLoop() {
        return false;
    }

    private static final Duration IDLE = Duration.ofMillis(600);
    private ScriptedUpstream upstream;
    private Gateway gateway;
    private Client client;

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
        GatewayConfig c = Configs.withoutActiveChecks(Configs.fast());
        ProxyConfig p = c.proxy();
        c = c.withProxy(new ProxyConfig(p.connectTimeout(), p.headersTimeout(), IDLE, 1, p.queueTimeout(), p.retryAfter(),
                p.cooldown(), p.cooldownMax(), p.maxBodyBytes(), p.responseBufferBytes()).withRelayLoop(relayLoop()).withEventLoops(eventLoop() ? 2 : 0));
        gateway = new Gateway(Configs.withRawUpstream(c, upstream.uri())).start();
        client = new Client(gateway.baseUri());
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        gateway.close();
        upstream.close();
    }

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static String event(int i) {
        return "data: {\"choices\":[{\"delta\":{\"content\":\"t" + i + "\"}}]}\n\n";
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static String content(Client.Stream s, int i) {
        return s.events().get(i).path("choices").get(0).path("delta").path("content").asText();
    }

    @Test
    void chunksSplitAnywhereArriveWholeAndTheUpstreamConnectionIsReusedAfterwards() throws Exception {
        ScriptedUpstream.Script stream = (in, out) -> {
            for (int request = 0; request < 2; request++) {
                readRequest(in);
                write(out, HEAD + chunk(event(0)));
                String rest = chunk(event(1)) + chunk(event(2) + event(3)) + chunk("data: [DONE]\n\n") + "0\r\n\r\n";
                // pieces that cut size lines, data and CRLFs, each a read of its own at the gateway
                for (int at = 0, piece = 1; at < rest.length(); at += piece, piece = piece % 7 + 2) {
                    Thread.sleep(5);
                    write(out, rest.substring(at, Math.min(rest.length(), at + piece)));
                }
            }
        };
        upstream.add(stream);
        for (int request = 0; request < 2; request++) {
            Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 4, true));
            assertThat(s.completed()).as(s.toString()).isTrue();
            assertThat(s.events()).hasSize(4);
            for (int i = 0; i < 4; i++) assertThat(content(s, i)).isEqualTo("t" + i);
        }
        assertThat(upstream.connections()).as("the second request went over the first one's upstream connection").isEqualTo(1);
    }

    @Test
    void aResponseHeadThatTricklesInFewBytesAtATimeIsReadWhole() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            String head = HEAD.replace("\r\n\r\n", "\r\nX-Padding: " + "p".repeat(40) + "\r\n\r\n");
            // pieces of one to three bytes: the blank line that ends the head is cut at every place in turn
            for (int at = 0, piece = 1; at < head.length(); at += piece, piece = piece % 3 + 1) {
                write(out, head.substring(at, Math.min(head.length(), at + piece)));
                Thread.sleep(1);
            }
            write(out, chunk(event(0)) + chunk(event(1)) + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
        });
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 2, true));
        assertThat(s.completed()).as(s.toString()).isTrue();
        assertThat(s.events()).hasSize(2);
        assertThat(content(s, 1)).isEqualTo("t1");
    }

    @Test
    void anUpstreamThatFallsSilentMidStreamEndsItWithAnErrorEventAfterTheIdleTimeout() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, HEAD + chunk(event(0)));
            write(out, chunk(event(1)));
            Thread.sleep(IDLE.toMillis() * 4);
        });
        long t0 = System.nanoTime();
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 4, true));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(s.endedWithCleanError()).as(s.toString()).isTrue();
        assertThat(s.events()).hasSize(2);
        assertThat(s.error().path("message").asText()).contains("upstream raw sent nothing for");
        assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis()).isLessThan(IDLE.toMillis() * 3);
    }

    @Test
    void anUpstreamCutInsideAChunkEndsTheStreamWithAnErrorEvent() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, HEAD + chunk(event(0)));
            Thread.sleep(20);
            write(out, "200\r\n" + event(1)); // a chunk that promises more than comes before the connection closes
        });
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 4, true));
        assertThat(s.endedWithCleanError()).as(s.toString()).isTrue();
        assertThat(s.events()).hasSize(2);
        assertThat(s.error().path("message").asText()).contains("upstream raw failed mid-stream").contains("inside a chunk");
    }

    @Test
    void closingTheGatewayInTheMiddleOfAStreamEndsItPromptly() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, HEAD + chunk(event(0)));
            for (int i = 1; i < 200; i++) {
                Thread.sleep(20);
                write(out, chunk(event(i)));
            }
        });
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            gateway.close();
        });
        long t0 = System.nanoTime();
        Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "hi", 200, true));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        closer.join();
        assertThat(s.completed()).as(s.toString()).isFalse();
        assertThat(s.events().size()).as("events before the close").isBetween(2, 100);
        assertThat(ms).as("the stream ended soon after the close").isLessThan(2500);
    }

    @Test
    void aClientThatReadsSlowlyGetsEveryByteWhileTheUpstreamWaitsForIt() throws Exception {
        int events = 24_000; // 24 MB: more than the socket buffers on the way hold
        String pad = "x".repeat(1000);
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, HEAD + chunk(event(0)));
            for (int i = 1; i < events; i++) write(out, chunk("data: {\"choices\":[{\"delta\":{\"content\":\"" + pad + "\"}}]}\n\n"));
            write(out, chunk("data: [DONE]\n\n") + "0\r\n\r\n");
        });
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            String body = Client.chat("m", "hi", events, true);
            raw.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            Thread.sleep(IDLE.toMillis() / 2); // the gateway fills the socket buffers and has to wait for this client
            byte[] all = raw.getInputStream().readAllBytes();
            String response = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("0\r\n\r\n");
            String text = dechunk(response.substring(response.indexOf("\r\n\r\n") + 4));
            int padded = 0;
            for (int i = text.indexOf(pad); i >= 0; i = text.indexOf(pad, i + pad.length())) padded++;
            assertThat(padded).isEqualTo(events - 1);
            assertThat(text).contains("data: [DONE]");
        }
    }

    /** The data of a chunked body (no extensions or trailers: the gateway writes none). */
    private static String dechunk(String wire) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int nl = wire.indexOf("\r\n", at);
            int size = Integer.parseInt(wire.substring(at, nl), 16);
            if (size == 0) return out.toString();
            out.append(wire, nl + 2, nl + 2 + size);
            assertThat(wire.startsWith("\r\n", nl + 2 + size)).isTrue();
            at = nl + 4 + size;
        }
    }
}
