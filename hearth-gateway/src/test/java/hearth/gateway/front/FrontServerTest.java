package hearth.gateway.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
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
 * echoes the request (method, path, body) so framing errors show as wrong bodies.
 */
@Timeout(30)
class FrontServerTest {
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
                byte[] body = req.body().readAllBytes();
                String text = req.method() + " " + req.pathAndQuery() + " " + new String(body, StandardCharsets.UTF_8);
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                res.setHeader("Content-Type", "text/plain");
                res.write(b, 0, b.length, true);
            }

            @Override
            public byte[] errorBody(int status, String message) {
                return ("{\"error\":{\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
            }
        };
        server = new FrontServer(echo, new FrontServer.Options(16, false, Duration.ofMillis(700), Duration.ofSeconds(2), false))
                .start("127.0.0.1", 0);
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
            Response r1 = Response.read(s.getInputStream());
            send(s, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
            Response r2 = Response.read(s.getInputStream());
            assertThat(r1.status).isEqualTo(200);
            assertThat(r1.body).isEqualTo("POST /a?x=1 hello");
            assertThat(r1.head).containsIgnoringCase("content-length: 17").doesNotContainIgnoringCase("connection: close");
            assertThat(r2.body).isEqualTo("GET /b ");
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nde"
                    + "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(Response.read(in).body).isEqualTo("POST /1 abc");
            assertThat(Response.read(in).body).isEqualTo("POST /2 de");
            assertThat(Response.read(in).body).isEqualTo("GET /3 ");
        }
    }

    @Test
    void decodesAChunkedRequestBodyWithExtensionsAndTrailers() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"
                    + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(Response.read(in).body).isEqualTo("POST /c wikipedia");
            assertThat(Response.read(in).body).isEqualTo("GET /after ");
        }
    }

    @Test
    void sendsContinueOnlyWhenTheHandlerReadsTheBody() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = s.getInputStream();
            Response interim = Response.read(in);
            assertThat(interim.status).isEqualTo(100);
            send(s, "body");
            assertThat(Response.read(in).body).isEqualTo("POST /e body");
        }
        try (Socket s = connect()) { // refused from its head: no 100, and the connection ends after the answer
            send(s, "POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            Response r = Response.read(s.getInputStream());
            assertThat(r.status).isEqualTo(401);
            assertThat(r.head).containsIgnoringCase("connection: close");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void closesAfterAnAnswerThatLeftTheBodyUnreadButTheClientStillGetsIt() throws IOException {
        try (Socket s = connect()) {
            send(s, "POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
            Response r = Response.read(s.getInputStream());
            assertThat(r.status).isEqualTo(401);
            assertThat(r.body).isEqualTo("no");
            assertThat(r.head).containsIgnoringCase("connection: close");
        }
    }

    @Test
    void streamsEachWriteAsAChunkAtOnce() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /stream HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = s.getInputStream();
            String head = Response.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked");
            // the first event arrives while the handler still waits: nothing was held back
            assertThat(Response.readChunk(in)).isEqualTo("data: one\n\n");
            streamGate.countDown();
            assertThat(Response.readChunk(in)).isEqualTo("data: two\n\n");
            assertThat(Response.readChunk(in)).isEmpty();
        }
    }

    @Test
    void speaksHttp10WithAndWithoutKeepAlive() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /old HTTP/1.0\r\n\r\n");
            Response r = Response.read(s.getInputStream());
            assertThat(r.head).startsWith("HTTP/1.0 200");
            assertThat(r.body).isEqualTo("GET /old ");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect()) {
            send(s, "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Response r = Response.read(s.getInputStream());
            assertThat(r.head).containsIgnoringCase("connection: keep-alive");
            send(s, "GET /k2 HTTP/1.0\r\n\r\n");
            assertThat(Response.read(s.getInputStream()).body).isEqualTo("GET /k2 ");
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
            {"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", "501"},
            {"GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", "431"},
        };
        for (String[] c : cases) {
            try (Socket s = connect()) {
                send(s, c[0]);
                Response r = Response.read(s.getInputStream());
                assertThat(r.status).as(c[0].lines().findFirst().orElse("")).isEqualTo(Integer.parseInt(c[1]));
                assertThat(r.body).startsWith("{\"error\":");
                assertThat(r.head).containsIgnoringCase("connection: close");
            }
        }
        try (Socket s = connect()) { // the server is still fine
            send(s, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(Response.read(s.getInputStream()).body).isEqualTo("GET /ok ");
        }
    }

    @Test
    void answersAHandlerFailureWith500AndKeepsServing() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /fail HTTP/1.1\r\nHost: h\r\n\r\n");
            Response r = Response.read(s.getInputStream());
            assertThat(r.status).isEqualTo(500);
            assertThat(r.body).contains("internal gateway error");
        }
        try (Socket s = connect()) {
            send(s, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(Response.read(s.getInputStream()).status).isEqualTo(200);
        }
    }

    @Test
    void closesAConnectionLeftIdlePastTheKeepAliveTime() throws IOException {
        try (Socket s = connect()) {
            send(s, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(Response.read(s.getInputStream()).status).isEqualTo(200);
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
            String head = Response.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 8");
            assertThat(Response.read(in).body).isEqualTo("GET /next "); // no body bytes came between
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

    /** A response read off the socket: head text, status, and the body by Content-Length or chunks. */
    private record Response(int status, String head, String body) {
        static Response read(InputStream in) throws IOException {
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status == 100) return new Response(status, head, "");
            String lower = head.toLowerCase();
            String body;
            int cl = lower.indexOf("content-length: ");
            if (cl >= 0) {
                int len = Integer.parseInt(lower.substring(cl + 16, lower.indexOf('\r', cl)).trim());
                body = new String(in.readNBytes(len), StandardCharsets.UTF_8);
            } else if (lower.contains("transfer-encoding: chunked")) {
                StringBuilder sb = new StringBuilder();
                for (String c = readChunk(in); !c.isEmpty(); c = readChunk(in)) sb.append(c);
                body = sb.toString();
            } else {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Response(status, head, body);
        }

        static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) throw new IOException("closed inside a response head: " + b);
                b.write(c);
                byte[] a = b.toByteArray();
                int n = a.length;
                if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n')
                    return b.toString(StandardCharsets.ISO_8859_1);
            }
        }

        /** One chunk's data; empty for the last chunk (its trailing CRLF consumed). */
        static String readChunk(InputStream in) throws IOException {
            String size = line(in);
            int n = Integer.parseInt(size.trim(), 16);
            String data = new String(in.readNBytes(n), StandardCharsets.UTF_8);
            line(in);
            return data;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) throw new IOException("closed inside a line");
                if (c != '\r') sb.append((char) c);
            }
            return sb.toString();
        }
    }
}
