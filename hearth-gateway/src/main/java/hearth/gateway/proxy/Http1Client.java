package hearth.gateway.proxy;

import hearth.gateway.front.ReadWatchdog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The proxy's HTTP/1.1 client: blocking sockets on the request's thread, kept alive in a pool per upstream address.
 * Doing it by hand keeps the hot path to one socket read and one write per SSE event, with no thread hand-off (on a
 * virtual thread, beyond its park); reads are untimed and a {@link ReadWatchdog} keeps the headers and idle timeouts.
 * Closing a response body early closes its socket, which is how an upstream learns that its client left.
 * {@code https://} upstreams get TLS over the same socket (host name verified; a failed handshake counts as a
 * connect failure, so the request goes elsewhere).
 */
final class Http1Client implements AutoCloseable {
    private static final int MAX_IDLE_PER_ADDRESS = 256;
    private static final long MAX_IDLE_NANOS = Duration.ofSeconds(20).toNanos();
    private static final int BUFFER = 16 * 1024;

    private final Duration connectTimeout;
    private final Map<String, ConcurrentLinkedDeque<Conn>> idle = new ConcurrentHashMap<>();
    private final ReadWatchdog deadlines;
    private final SSLSocketFactory tls;

    /**
     * {@code finestTimeout}: the shortest headers or idle timeout {@link #send} will get (it sets their precision);
     * {@code tls}: for {@code https://} upstreams (null: none are reached).
     */
    Http1Client(Duration connectTimeout, Duration finestTimeout, SSLContext tls) {
        this.connectTimeout = connectTimeout;
        this.deadlines = new ReadWatchdog(finestTimeout, "upstream-read-deadlines");
        this.tls = tls == null ? null : tls.getSocketFactory();
    }

    /** A connect failure, as opposed to a failure on an established connection. */
    static final class ConnectFailed extends IOException {
        ConnectFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sends a request and reads the response head within {@code headersTimeout}; the body is then read with
     * {@code idleTimeout} as the longest silence. A pooled connection the upstream had closed meanwhile is
     * replaced once, transparently.
     */
    Http1Response send(URI base, String method, String pathAndQuery, List<String[]> headers, byte[] body,
            Duration headersTimeout, Duration idleTimeout) throws IOException {
        boolean secure = "https".equals(base.getScheme());
        if (!secure && !"http".equals(base.getScheme())) throw new ConnectFailed("not an http(s):// upstream: " + base, null);
        String host = base.getHost();
        int port = port(base);
        String key = poolKey(base);
        byte[] head = head(base, method, pathAndQuery, headers, body.length);
        Conn c = pooled(key);
        if (c != null) {
            try {
                return exchange(c, head, body, method, headersTimeout, idleTimeout);
            } catch (SocketTimeoutException slow) {
                c.close();
                throw slow; // the upstream is slow, not gone: a second try would only double the wait
            } catch (IOException staleConnection) {
                c.close(); // it may have been closed by the upstream while idle: try a fresh one
            }
        }
        c = connect(key, host, port, secure);
        try {
            return exchange(c, head, body, method, headersTimeout, idleTimeout);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static Http1Response exchange(Conn c, byte[] head, byte[] body, String method, Duration headersTimeout,
            Duration idleTimeout) throws IOException {
        c.timeout(headersTimeout);
        c.out.write(head);
        if (body.length > 0) c.out.write(body);
        c.out.flush();
        Http1Response r = Http1Response.read(c, method.equals("HEAD"));
        c.timeout(idleTimeout);
        return r;
    }

    /** The port of an http(s):// URL, its scheme's default when it names none. */
    static int port(URI base) {
        return base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
    }

    /** What connections to {@code base} are pooled under. */
    static String poolKey(URI base) {
        return base.getScheme() + "://" + base.getHost() + ":" + port(base);
    }

    /** The request line and headers of a request to {@code base}, whose path prefixes {@code pathAndQuery}. */
    static byte[] head(URI base, String method, String pathAndQuery, List<String[]> headers, int bodyLength) {
        return head(method, basePath(base) + pathAndQuery, base.getHost(), port(base), headers, bodyLength);
    }

    private static String basePath(URI base) {
        String p = base.getRawPath();
        if (p == null || p.isEmpty() || p.equals("/")) return "";
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static byte[] head(String method, String target, String host, int port, List<String[]> headers, int length) {
        StringBuilder sb = new StringBuilder(256 + headers.size() * 48);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append("\r\n");
        for (String[] h : headers) sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        if (length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
            sb.append("Content-Length: ").append(length).append("\r\n");
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private Conn pooled(String key) {
        var q = idle.get(key);
        if (q == null) return null;
        for (Conn c; (c = q.pollFirst()) != null; ) {
            if (System.nanoTime() - c.idleSince < MAX_IDLE_NANOS && !c.socket.isClosed()) return c;
            c.close();
        }
        return null;
    }

    private Conn connect(String key, String host, int port, boolean secure) throws IOException {
        // a channel's socket: after a timed connect (or a timed TLS handshake read) it is back in blocking mode, so
        // each read of an SSE event on a platform thread is one read(2); java.net.Socket stays non-blocking for good
        // once anything on it was timed, and then every read is read, EAGAIN, poll(2), read
        Socket s = SocketChannel.open().socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
        } catch (IOException e) {
            s.close();
            throw new ConnectFailed("cannot connect to " + key + ": " + e.getMessage(), e);
        }
        if (!secure) return new Conn(this, key, s, s);
        if (tls == null) {
            s.close();
            throw new ConnectFailed("no TLS context for " + key, null);
        }
        try {
            SSLSocket t = (SSLSocket) tls.createSocket(s, host, port, true);
            SSLParameters p = t.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host of the URL
            p.setApplicationProtocols(new String[] {"http/1.1"});
            t.setSSLParameters(p);
            s.setSoTimeout((int) connectTimeout.toMillis()); // the handshake is part of connecting
            t.startHandshake();
            s.setSoTimeout(0);
            return new Conn(this, key, t, s);
        } catch (IOException e) {
            s.close();
            throw new ConnectFailed("TLS handshake with " + key + " failed: " + e.getMessage(), e);
        }
    }

    private void giveBack(Conn c) {
        var q = idle.computeIfAbsent(c.key, k -> new ConcurrentLinkedDeque<>());
        if (q.size() >= MAX_IDLE_PER_ADDRESS) {
            c.close();
            return;
        }
        c.idleSince = System.nanoTime();
        q.addFirst(c);
    }

    @Override
    public void close() {
        deadlines.close();
        idle.values().forEach(q -> q.forEach(Conn::close));
        idle.clear();
    }

    /** One upstream connection. */
    static final class Conn implements ReadWatchdog.Watched {
        private final Http1Client owner;
        private final String key;
        private final Socket socket;
        private final Socket raw; // the TCP socket under TLS, or the same socket
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[BUFFER];
        private volatile long idleSince;
        private long timeoutNanos; // for the next reads; 0: none
        private volatile long readDeadline; // nanoTime by which a waiting read must have data; 0: no read waits
        private volatile boolean expired;

        Conn(Http1Client owner, String key, Socket socket, Socket raw) throws IOException {
            this.owner = owner;
            this.key = key;
            this.socket = socket;
            this.raw = raw;
            this.in = socket.getInputStream();
            this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            owner.deadlines.watch(this);
        }

        byte[] buffer() {
            return buffer;
        }

        /** The connection's channel, for a non-blocking relay; null under TLS (its bytes are not the body's). */
        SocketChannel channel() {
            return socket == raw ? raw.getChannel() : null;
        }

        /** The longest wait of each following read; zero waits forever. */
        void timeout(Duration d) {
            timeoutNanos = d.toNanos();
        }

        /** One socket read, failed with {@link SocketTimeoutException} when no byte comes within the timeout. */
        int read(byte[] b, int off, int len) throws IOException {
            long t = timeoutNanos;
            if (t > 0) readDeadline = System.nanoTime() + t;
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                if (!expired) throw e;
                var timedOut = new SocketTimeoutException("no data from the upstream within " + Duration.ofNanos(t).toMillis() + " ms");
                timedOut.initCause(e);
                throw timedOut;
            } finally {
                if (t > 0) readDeadline = 0;
            }
        }

        @Override
        public boolean overdue(long now) {
            long d = readDeadline;
            return d != 0 && now - d > 0;
        }

        /** The watchdog's verdict: closing the TCP socket wakes the waiting read, which reports a timeout. */
        @Override
        public void expire() {
            expired = true;
            owner.deadlines.forget(this);
            try {
                raw.close(); // under TLS too: closing the TLS socket could wait on the blocked read's lock
            } catch (IOException ignored) {
                // already gone
            }
        }

        void release() {
            owner.giveBack(this);
        }

        void close() {
            owner.deadlines.forget(this);
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
