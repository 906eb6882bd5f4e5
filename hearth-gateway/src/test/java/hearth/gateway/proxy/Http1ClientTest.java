package hearth.gateway.proxy;

import static hearth.gateway.testing.ScriptedUpstream.readRequest;
import static hearth.gateway.testing.ScriptedUpstream.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.gateway.testing.ScriptedUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's HTTP/1.1 client against a raw socket server that writes exactly the bytes each case needs. */
class Http1ClientTest {
    private ScriptedUpstream upstream;
    private final Http1Client client = new Http1Client(Duration.ofSeconds(1), Duration.ofMillis(200), sslDefault());
    private URI base;

    private static javax.net.ssl.SSLContext sslDefault() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
        base = upstream.uri();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        upstream.close();
    }

    private Http1Response get(String path) throws IOException {
        return client.send(base, "POST", path, List.<String[]>of(new String[] {"X-Test", "1"}), "{}".getBytes(),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void chunkedBodiesAreDecodedAcrossSplitWritesExtensionsAndTrailers() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n");
            write(out, "5;ext=1\r\nhel");
            Thread.sleep(30);
            write(out, "lo\r\n");
            write(out, "6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        });
        Http1Response r = get("/v1/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/event-stream");
        try (var body = r.body()) {
            assertThat(readAll(body)).isEqualTo("hello world");
        }
    }

    @Test
    void eachReadReturnsWhatHasArrivedWithoutWaitingForMore() throws Exception {
        var gate = new java.util.concurrent.CountDownLatch(1);
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            write(out, "7\r\nevent 1\r\n");
            gate.await();
            write(out, "7\r\nevent 2\r\n0\r\n\r\n");
        });
        Http1Response r = get("/s");
        byte[] buf = new byte[1024];
        var body = r.body();
        int n = body.read(buf, 0, buf.length); // must not block on the missing second chunk
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("event 1");
        assertThat(body.moreBuffered()).isFalse();
        gate.countDown();
        assertThat(readAll(body)).isEqualTo("event 2");
        body.close();
    }

    @Test
    void theLastChunkCountsAsBufferedOnlyOnceTheBlankLineAfterItHasCome() throws Exception {
        var gate = new java.util.concurrent.CountDownLatch(1);
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nevent 1\r\n0\r\n");
            gate.await();
            write(out, "\r\n");
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nevent 2\r\n0\r\n\r\n");
        });
        byte[] buf = new byte[1024];
        try (var body = get("/s").body()) {
            int n = body.read(buf, 0, buf.length);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("event 1");
            assertThat(body.moreBuffered()).isFalse(); // reading on would wait for the blank line
            gate.countDown();
            assertThat(body.read(buf, 0, buf.length)).isEqualTo(-1);
        }
        try (var body = get("/s").body()) {
            int n = body.read(buf, 0, buf.length);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("event 2");
            assertThat(body.moreBuffered()).isTrue(); // the end has come with the event: reading it does not wait
            assertThat(body.read(buf, 0, buf.length)).isEqualTo(-1);
        }
        assertThat(upstream.connections()).isEqualTo(1);
    }

    @Test
    void aKeptAliveConnectionIsReusedAndAStaleOneReplacedTransparently() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
            // then the server closes the idle connection
        });
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree");
        });
        try (var b = get("/1").body()) {
            assertThat(readAll(b)).isEqualTo("one");
        }
        try (var b = get("/2").body()) {
            assertThat(readAll(b)).isEqualTo("two");
        }
        assertThat(upstream.connections()).isEqualTo(1);
        Thread.sleep(100); // the server has closed that connection by now
        try (var b = get("/3").body()) {
            assertThat(readAll(b)).isEqualTo("three");
        }
        assertThat(upstream.connections()).isEqualTo(2);
    }

    @Test
    void aBodyCutShortIsAnErrorNotAnEnd() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
        });
        var body = get("/cut").body();
        assertThatThrownBy(() -> readAll(body)).isInstanceOf(IOException.class);
        body.close();
    }

    @Test
    void chunkSizesAreHexInEitherCaseAndAMalformedSizeLineIsAProtocolError() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n1a \r\n"
                    + "abcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n");
        });
        try (var body = get("/hex").body()) {
            assertThat(readAll(body)).isEqualTo("0123456789abcdefghijklmnopqrstuvwxyz");
        }
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 2\r\nxx\r\n0\r\n\r\n");
        });
        var bad = get("/bad").body();
        assertThatThrownBy(() -> readAll(bad)).isInstanceOf(java.net.ProtocolException.class);
        bad.close();
    }

    @Test
    void aSilentUpstreamTimesOutAndARefusedOneIsAConnectFailure() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            Thread.sleep(3000);
        });
        assertThatThrownBy(() -> client.send(base, "GET", "/slow", List.of(), new byte[0], Duration.ofMillis(200),
                Duration.ofSeconds(1))).isInstanceOf(SocketTimeoutException.class);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> client.send(URI.create("http://127.0.0.1:" + closed), "GET", "/", List.of(), new byte[0],
                Duration.ofSeconds(1), Duration.ofSeconds(1))).isInstanceOf(Http1Client.ConnectFailed.class);
    }

    @Test
    void aBodyThatStallsLongerThanTheIdleTimeoutFailsWithATimeoutButSlowerDataInTimeDoesNot() throws Exception {
        upstream.add((in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 4; i++) { // 4 gaps of 150 ms: 600 ms in all, each under the 300 ms idle timeout
                Thread.sleep(150);
                write(out, "1\r\nx\r\n");
            }
            Thread.sleep(3000);
        });
        var r = client.send(base, "GET", "/stall", List.of(), new byte[0], Duration.ofSeconds(1), Duration.ofMillis(300));
        var body = r.body();
        byte[] four = new byte[4];
        int got = 0;
        while (got < 4) got += body.read(four, got, 4 - got);
        assertThat(new String(four, StandardCharsets.US_ASCII)).isEqualTo("xxxx");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> body.read(four, 0, 4)).isInstanceOf(SocketTimeoutException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 2500L);
        body.close();
    }

    @Test
    void theRequestCarriesHostLengthHeadersAndTheBasePath() throws Exception {
        var seen = new LinkedBlockingQueue<String>();
        upstream.add((in, out) -> {
            seen.add(readRequest(in));
            write(out, "HTTP/1.1 204 No Content\r\n\r\n");
        });
        URI withPath = URI.create(base + "/prefix/");
        try (var b = client.send(withPath, "POST", "/v1/chat?x=1", List.<String[]>of(new String[] {"X-A", "b"}),
                "abc".getBytes(), Duration.ofSeconds(1), Duration.ofSeconds(1)).body()) {
            assertThat(b.read()).isEqualTo(-1);
        }
        String head = seen.take();
        assertThat(head).startsWith("POST /prefix/v1/chat?x=1 HTTP/1.1\r\n");
        assertThat(head).contains("Host: 127.0.0.1:" + upstream.port(), "X-A: b", "Content-Length: 3");
    }
}
