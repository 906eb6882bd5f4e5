package hearth.gateway.front;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.testing.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The front end's HTTP/1.1 over raw sockets: what a client sends byte for byte and what comes back. The handler
 * echoes the request (method, path, body) so framing errors show as wrong bodies. Paths under {@code /l/} are
 * answered on the event loop where there is one ({@link LoopFrontServerTest}), on the connection's thread here.
 */
@Timeout(30)
class FrontServerTest {
    private static final int BIG = 3 << 20; // more than the socket buffers hold: the writes back up

    /** Connections live on an event loop. */
    boolean eventLoop() {
        return false;
    }

    private FrontServer server;
    private final CountDownLatch streamGate = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        FrontServer.Handler echo = new FrontServer.Handler() {
            @Override
            public void handle(FrontRequest req, ResponseWriter res) throws Exception {
                if (req.path().equals("/stream")) {
                    res.setHeader("Content-Type", "text/event-stream");
                    byte[] first = "data: one\n\n".getBytes(StandardCharsets.UTF_8);
                    res.write(first, 0, first.length, false);
                    streamGate.await(10, TimeUnit.SECONDS);
                    byte[] second = "data: two\n\n".getBytes(StandardCharsets.UTF_8);
                    res.finish(second, 0, second.length);
                    return;
                }
                if (req.path().equals("/early")) { // answers without reading the body
                    res.status(401);
                    byte[] b = "no".getBytes(StandardCharsets.UTF_8);
                    res.write(b, 0, b.length, true);
                    return;
                }
                if (req.path().equals("/fail")) throw new IllegalStateException("handler bug");
                byte[] b = req.path().equals("/l/big") ? big() : echo(req);
                res.setHeader("Content-Type", "text/plain");
                res.write(b, 0, b.length, true);
            }

            @Override
            public boolean start(FrontRequest req, Exchange ex) {
                if (!req.path().startsWith("/l/")) return false;
                if (req.path().equals("/l/thread")) { // begun on the loop, finished on a thread
                    ex.onThread(res -> handle(req, res));
                    return true;
                }
                try {
                    byte[] b = req.path().equals("/l/big") ? big() : echo(req);
                    ex.response().write(b, 0, b.length, true);
                } catch (IOException gone) {
                    // the front end closes the connection
                }
                ex.done();
                return true;
            }

            @Override
            public byte[] errorBody(int status, String message) {
                return ("{\"error\":{\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
            }
        };
        server = new FrontServer(echo, new FrontServer.Options(16, false, Duration.ofMillis(700), Duration.ofSeconds(2), false,
                eventLoop() ? 2 : 0, Duration.ZERO)).start("127.0.0.1", 0);
    }

    private static byte[] echo(FrontRequest req) throws IOException {
        byte[] body = req.body().readAllBytes();
        return (req.method() + " " + req.pathAndQuery() + " " + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] big() {
        byte[] b = new byte[BIG];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ('a' + i % 26);
        return b;
    }

    @AfterEach
    void stop() {
        streamGate.countDown();
        server.close();
    }

    @Test
    void servesSeveralRequestsOnOneKeptAliveConnection() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
            RawResponse r1 = RawResponse.read(s.getInputStream());
            send(s, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
            RawResponse r2 = RawResponse.read(s.getInputStream());
            assertThat(r1.status()).isEqualTo(200);
            assertThat(r1.body()).isEqualTo("POST /a?x=1 hello");
            assertThat(r1.head()).containsIgnoringCase("content-length: 17").doesNotContainIgnoringCase("connection: close");
            assertThat(r2.body()).isEqualTo("GET /b ");
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nde"
                    + "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /1 abc");
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /2 de");
            assertThat(RawResponse.read(in).body()).isEqualTo("GET /3 ");
        }
    }

    @Test
    void answersPipelinedRequestsInOrderWhereverEachIsServed() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /l/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nde"
                    + "POST /l/thread HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nf"
                    + "POST /l/4 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\ng\r\n0\r\n\r\n"
                    + "GET /l/5 HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /l/1 abc");
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /2 de");
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /l/thread f");
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /l/4 g");
            assertThat(RawResponse.read(in).body()).isEqualTo("GET /l/5 ");
        }
    }

    @Test
    void readsABodyThatArrivesInPieces() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST /l/p HTTP/1.1\r\nHost: h\r\nContent-");
            Thread.sleep(50);
            send(s, "Length: 10\r\n\r\n0123");
            Thread.sleep(50);
            send(s, "456789");
            assertThat(RawResponse.read(s.getInputStream()).body()).isEqualTo("POST /l/p 0123456789");
        }
    }

    @Test
    void aClientThatReadsSlowlyGetsAllOfALargeAnswerAndTheConnectionGoesOn() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /l/big HTTP/1.1\r\nHost: h\r\n\r\nGET /l/after HTTP/1.1\r\nHost: h\r\n\r\n");
            Thread.sleep(300); // the server's writes back up meanwhile
            InputStream in = s.getInputStream();
            RawResponse r = RawResponse.read(in);
            assertThat(r.body()).hasSize(BIG).isEqualTo(new String(big(), StandardCharsets.UTF_8));
            assertThat(RawResponse.read(in).body()).isEqualTo("GET /l/after ");
        }
    }

    @Test
    void decodesAChunkedRequestBodyWithExtensionsAndTrailers() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"
                    + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /c wikipedia");
            assertThat(RawResponse.read(in).body()).isEqualTo("GET /after ");
        }
    }

    @Test
    void sendsContinueOnlyWhenTheHandlerReadsTheBody() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = s.getInputStream();
            RawResponse interim = RawResponse.read(in);
            assertThat(interim.status()).isEqualTo(100);
            send(s, "body");
            assertThat(RawResponse.read(in).body()).isEqualTo("POST /e body");
        }
        try (Socket s = connect()) { // refused from its head: no 100, and the connection ends after the answer
            send(s, "POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.head()).containsIgnoringCase("connection: close");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void closesAfterAnAnswerThatLeftTheBodyUnreadButTheClientStillGetsIt() throws IOException {
        try (Socket s = connect()) {
            // larger than what an event loop reads before it answers (LoopConnection.MAX_BODY)
            send(s, "POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n" + "x".repeat(1000));
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("no");
            assertThat(r.head()).containsIgnoringCase("connection: close");
        }
    }

    @Test
    void streamsEachWriteAsAChunkAtOnce() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /stream HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            String head = RawResponse.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked");
            // the first event arrives while the handler still waits: nothing was held back
            assertThat(RawResponse.readChunk(in)).isEqualTo("data: one\n\n");
            streamGate.countDown();
            assertThat(RawResponse.readChunk(in)).isEqualTo("data: two\n\n");
            assertThat(RawResponse.readChunk(in)).isEmpty();
        }
    }

    @Test
    void speaksHttp10WithAndWithoutKeepAlive() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /old HTTP/1.0\r\n\r\n");
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.head()).startsWith("HTTP/1.0 200");
            assertThat(r.body()).isEqualTo("GET /old ");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect()) {
            send(s, "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.head()).containsIgnoringCase("connection: keep-alive");
            send(s, "GET /k2 HTTP/1.0\r\n\r\n");
            assertThat(RawResponse.read(s.getInputStream()).body()).isEqualTo("GET /k2 ");
        }
    }

    @Test
    void refusesMalformedAndSmugglingShapedRequestsWithJsonErrors() throws IOException {
        String[][] cases = {
            {"GARBAGE\r\n\r\n", "400"},
            {"GET /x HTTP/1.1\r\n\r\n", "400"}, // no Host
            {"GET /x HTTP/2.0\r\nHost: h\r\n\r\n", "505"},
            {"GET /x HTTP/1.1\r\nHost: h\r\n folded: v\r\n\r\n", "400"},
            {"GET /x HTTP/1.1\r\nHost : h\r\n\r\n", "400"},
            {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "400"},
            {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "400"},
            {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", "400"},
            {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", "400"},
            {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", "400"}, // past a long
            {"GET /x HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", "400"}, // no header name
            {" GET /x HTTP/1.1\r\nHost: h\r\n\r\n", "400"},
            {"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", "501"},
            {"GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", "431"},
        };
        for (String[] c : cases) {
            try (Socket s = connect()) {
                send(s, c[0]);
                RawResponse r = RawResponse.read(s.getInputStream());
                assertThat(r.status()).as(c[0].lines().findFirst().orElse("")).isEqualTo(Integer.parseInt(c[1]));
                assertThat(r.body()).startsWith("{\"error\":");
                assertThat(r.head()).containsIgnoringCase("connection: close");
            }
        }
        try (Socket s = connect()) { // the server is still fine
            send(s, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(RawResponse.read(s.getInputStream()).body()).isEqualTo("GET /ok ");
        }
    }

    @Test
    void answersAHandlerFailureWith500AndKeepsServing() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /fail HTTP/1.1\r\nHost: h\r\n\r\n");
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).contains("internal gateway error");
        }
        try (Socket s = connect()) {
            send(s, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(RawResponse.read(s.getInputStream()).status()).isEqualTo(200);
        }
    }

    @Test
    void closesAConnectionLeftIdlePastTheKeepAliveTime() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(RawResponse.read(s.getInputStream()).status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server, not by the read timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    @Test
    void answersHeadWithoutABody() throws IOException {
        try (Socket s = connect()) {
            send(s, "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            String head = RawResponse.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 8");
            assertThat(RawResponse.read(in).body()).isEqualTo("GET /next "); // no body bytes came between
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
