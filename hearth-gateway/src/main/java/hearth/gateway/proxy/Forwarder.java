package hearth.gateway.proxy;

import hearth.gateway.GatewayConfig.ProxyConfig;
import hearth.gateway.Units;
import hearth.gateway.Upstream;
import hearth.gateway.front.ResponseWriter;
import hearth.gateway.health.HealthState.Failure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One attempt at one upstream. Nothing reaches the client until the upstream has produced its first body bytes
 * (SSE) or its whole body (other responses up to {@code responseBufferBytes}), so any failure before that can be
 * retried elsewhere. From then on SSE is relayed as it arrives: one client write per upstream read, carrying
 * everything the upstream had sent by then, so events that arrived together leave together and none waits; after the
 * first event that is the {@link RelayLoop}'s work where there is one and the upstream is plain HTTP, else this
 * thread's. A failure becomes an error event that ends the stream cleanly. A failed write to the client closes the
 * upstream body, which cancels the upstream request (its socket is closed, not reused).
 */
final class Forwarder {
    private static final int CHUNK = 16 * 1024;
    static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final Http1Client upstreams;
    private final ProxyConfig config;
    private final RelayLoop relays;

    /** {@code relays}: where streams go after their first event (null: each is relayed on its own thread). */
    Forwarder(Http1Client upstreams, ProxyConfig config, RelayLoop relays) {
        this.upstreams = upstreams;
        this.config = config;
        this.relays = relays;
    }

    Outcome attempt(Upstream u, Incoming in, ResponseWriter client) throws InterruptedException {
        long start = System.nanoTime();
        Http1Response resp;
        try {
            resp = upstreams.send(u.url(), in.method(), in.pathAndQuery(), headers(u, in), in.body(),
                    config.headersTimeout(), config.idleTimeout());
        } catch (Http1Client.ConnectFailed e) {
            return new Outcome.Retry(Failure.CONNECT, false, "connect failed: " + describe(e), null);
        } catch (SocketTimeoutException e) {
            return new Outcome.Retry(Failure.TIMEOUT, false, "no response headers within " + Units.format(config.headersTimeout()), null);
        } catch (IOException e) {
            return new Outcome.Retry(Failure.RESET, false, "request failed: " + describe(e), null);
        }
        if (Thread.interrupted()) {
            resp.abort();
            throw new InterruptedException();
        }
        int status = resp.status();
        if (retryable(status)) return retry(resp);
        return eventStream(resp.header("content-type")) ? stream(u, resp, client, start) : buffered(u, resp, client, start);
    }

    /** An SSE response, relayed as it arrives; other responses are buffered first (up to a limit). */
    static boolean eventStream(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    /** 5xx other than 501 and 505 is a server fault, 429 a busy server: another upstream may do better. */
    static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The headers sent upstream: the client's minus hop-by-hop and credentials, plus key and X-Forwarded-*. */
    static List<String[]> headers(Upstream u, Incoming in) {
        String key = u.endpoint().apiKey();
        boolean dropCredentials = in.gatewayAuth() || key != null;
        List<String[]> out = new ArrayList<>(in.headers().size() + 5);
        for (String[] h : in.headers()) if (Headers.forwardRequest(h[0], dropCredentials)) out.add(h);
        if (key != null) out.add(new String[] {"Authorization", "Bearer " + key});
        out.add(new String[] {"X-Forwarded-For", in.clientAddress()});
        out.add(new String[] {"X-Forwarded-Proto", in.scheme()});
        if (in.host() != null) out.add(new String[] {"X-Forwarded-Host", in.host()});
        if (!in.prefix().equals("/")) out.add(new String[] {"X-Forwarded-Prefix", in.prefix().substring(0, in.prefix().length() - 1)});
        return out;
    }

    private Outcome retry(Http1Response resp) {
        byte[] body;
        try (Http1Response.Body in = resp.body()) {
            body = in.readNBytes(ERROR_BODY_LIMIT);
        } catch (IOException e) {
            body = new byte[0];
        }
        return retry(resp.status(), resp.headers(), body);
    }

    /** A retryable answer ({@link #retryable}), kept (its body up to {@link #ERROR_BODY_LIMIT}) in case no other does better. */
    static Outcome.Retry retry(int status, List<String[]> headers, byte[] body) {
        var kept = new Outcome.Buffered(status, headers, body);
        String reason = "status " + status + snippet(body);
        if (status == 503) return new Outcome.Retry(null, true, reason, kept);
        if (status == 429) return new Outcome.Retry(null, false, reason, kept);
        return new Outcome.Retry(Failure.STATUS_5XX, false, reason, kept);
    }

    private Outcome stream(Upstream u, Http1Response resp, ResponseWriter client, long start) throws InterruptedException {
        byte[] buf = new byte[CHUNK];
        Http1Response.Body in = resp.body();
        try (in) {
            int len;
            try {
                len = in.read(buf);
            } catch (IOException e) {
                boolean timedOut = e instanceof SocketTimeoutException;
                return new Outcome.Retry(timedOut ? Failure.TIMEOUT : Failure.RESET, false,
                        (timedOut ? "no first event within the idle timeout" : "stream failed before its first byte: " + describe(e)), null);
            }
            long firstByte = System.nanoTime() - start;
            EventTail tail = new EventTail();
            commitStream(client, resp.status(), resp.headers(), u);
            try {
                while (true) {
                    boolean end = len < 0;
                    if (end) len = 0;
                    IOException broken = null;
                    try { // what else has already arrived joins this write; nothing here waits on the upstream
                        while (!end && len < buf.length && in.moreBuffered()) {
                            int n = in.read(buf, len, buf.length - len);
                            if (n < 0) end = true;
                            else len += n;
                        }
                        if (end) { // the last bytes leave with the end of the response
                            client.finish(buf, 0, len);
                            return new Outcome.Relayed(resp.status(), firstByte);
                        }
                        if (len > 0) client.write(buf, 0, len, false);
                        tail.saw(buf, len);
                        Outcome relayed = handOff(u, resp, client, tail, firstByte);
                        if (relayed != null) return relayed;
                        len = in.read(buf);
                    } catch (ResponseWriter.ClientGone gone) {
                        throw gone;
                    } catch (IOException e) {
                        broken = e;
                    }
                    if (broken != null) {
                        String why = broken instanceof SocketTimeoutException ? silent(u.name(), config.idleTimeout())
                                : failedMidStream(u.name(), broken);
                        byte[] event = tail.errorEvent(why);
                        client.finish(event, 0, event.length);
                        return new Outcome.Broken(resp.status(), why);
                    }
                }
            } catch (IOException clientWrite) {
                resp.abort(); // closes the upstream socket: the upstream stops generating
                return new Outcome.ClientGone(resp.status());
            }
        }
    }

    /**
     * Gives the rest of the stream to the relay loop, once the first event is out; null when it cannot take it (no
     * loop, a TLS upstream, a response without an open-ended body), and the stream stays on this thread.
     */
    private Outcome handOff(Upstream u, Http1Response resp, ResponseWriter client, EventTail tail, long firstByte)
            throws InterruptedException {
        if (relays == null) return null;
        SocketChannel from = resp.channel(), to = client.relayChannel();
        if (from == null || to == null) return null;
        RelayLoop.Ended e = relays.relay(resp.body().handOff(), from, client, to, tail, u.name(), resp.status(), firstByte,
                config.idleTimeout());
        if (e.last() != null) client.finish(e.last(), 0, e.last().length);
        return e.outcome();
    }

    private Outcome buffered(Upstream u, Http1Response resp, ResponseWriter client, long start) {
        Http1Response.Body in = resp.body();
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        byte[] buf = new byte[CHUNK];
        try (in) {
            int n = 0;
            try {
                while (acc.size() <= config.responseBufferBytes() && (n = in.read(buf)) >= 0) acc.write(buf, 0, n);
            } catch (IOException e) {
                return new Outcome.Retry(e instanceof SocketTimeoutException ? Failure.TIMEOUT : Failure.RESET, false,
                        "response body failed: " + describe(e), null);
            }
            long firstByte = System.nanoTime() - start;
            boolean complete = n < 0;
            try {
                String length = resp.header("content-length");
                commit(client, resp.status(), resp.headers(), u, complete ? acc.size() : length == null ? -1 : Long.parseLong(length.trim()));
                byte[] head = acc.toByteArray();
                client.write(head, 0, head.length, complete);
                if (complete) return new Outcome.Relayed(resp.status(), firstByte);
                // larger than the buffer: relay the rest as it comes
                while (true) {
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        // a truncated plain body cannot be repaired: make the client's connection fail, not end cleanly
                        throw new UncheckedIOException("upstream " + u.name() + " failed mid-body", e);
                    }
                    if (n < 0) break;
                    client.write(buf, 0, n, false);
                }
                return new Outcome.Relayed(resp.status(), firstByte);
            } catch (IOException clientWrite) {
                resp.abort();
                return new Outcome.ClientGone(resp.status());
            }
        }
    }

    /** Sets the client's status and headers from the upstream's; {@code length} -1 when the body's length is not known. */
    static void commit(ResponseWriter client, int status, List<String[]> headers, Upstream u, long length) {
        client.status(status);
        for (String[] h : headers) if (Headers.relayResponse(h[0])) client.addHeader(h[0], h[1]);
        client.setHeader("X-Hearth-Upstream", u.name());
        if (length >= 0) client.setHeader("Content-Length", Long.toString(length));
    }

    /** {@link #commit} for an event stream, which no proxy before the client may buffer. */
    static void commitStream(ResponseWriter client, int status, List<String[]> headers, Upstream u) {
        commit(client, status, headers, u, -1);
        client.setHeader("X-Accel-Buffering", "no");
    }

    /** Writes an upstream response that was kept because it might have been retried. */
    static void relay(Outcome.Buffered b, String upstream, ResponseWriter client) throws IOException {
        client.status(b.status());
        for (String[] h : b.headers()) if (Headers.relayResponse(h[0])) client.addHeader(h[0], h[1]);
        client.setHeader("X-Hearth-Upstream", upstream);
        client.setHeader("Content-Length", Integer.toString(b.body().length));
        client.write(b.body(), 0, b.body().length, true);
    }

    private static String snippet(byte[] body) {
        if (body.length == 0) return "";
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return ": " + s;
    }

    /** Why a stream broke after its first byte: the upstream failed (both relays word it so). */
    static String failedMidStream(String upstream, IOException e) {
        return "upstream " + upstream + " failed mid-stream: " + describe(e);
    }

    /** Why a stream broke after its first byte: the upstream sent nothing for the idle timeout. */
    static String silent(String upstream, Duration idle) {
        return "upstream " + upstream + " sent nothing for " + Units.format(idle);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }

    /** Remembers how the relayed bytes ended, so an error event starts on an event boundary. */
    static final class EventTail {
        private byte last = '\n';
        private byte beforeLast = '\n';

        void saw(byte[] b, int n) {
            if (n >= 2) {
                beforeLast = b[n - 2];
                last = b[n - 1];
            } else if (n == 1) {
                beforeLast = last;
                last = b[0];
            }
        }

        byte[] errorEvent(String message) {
            String sep = last == '\n' && beforeLast == '\n' ? "" : last == '\n' ? "\n" : "\n\n";
            ApiError e = new ApiError(502, "server_error", message, null, "upstream_failed", null);
            return (sep + "data: " + e.node() + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
