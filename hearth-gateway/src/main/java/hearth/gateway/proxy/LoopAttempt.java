package hearth.gateway.proxy;

import hearth.gateway.GatewayConfig.ProxyConfig;
import hearth.gateway.Units;
import hearth.gateway.Upstream;
import hearth.gateway.front.Exchange;
import hearth.gateway.front.RequestParser;
import hearth.gateway.front.ResponseWriter;
import hearth.gateway.health.HealthState.Failure;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attempts of one request on the event loop: the same steps as {@link Forwarder#attempt} and
 * {@link ProxyHandler#forward}, none of them blocking. Connect (or take a pooled connection), send the request, read
 * the response head within the headers timeout; then, as {@link Forwarder} does, nothing reaches the client until
 * the upstream has sent its first event (SSE) or its whole body (others, up to {@code response_buffer}), so a failure
 * before that goes to the next attempt. A retryable status keeps its body (up to 64 KiB) in case no other upstream
 * does better. From the first event on, each read from the upstream is undone of its framing and written to the
 * client as one chunk; while the client has not taken the last one, the upstream is not read. The end of the
 * response is written after the bookkeeping. When no upstream is eligible now, or the chosen one is reached over
 * TLS, the request goes on on a thread from where it stands ({@link ProxyHandler#forward}).
 */
final class LoopAttempt implements LoopUpstreams.User {
    private enum Phase { CONNECT, SEND, HEAD, ERROR_BODY, BUFFER, FIRST, RELAY, OVER }

    private final ProxyHandler handler;
    private final ProxyHandler.Prepared p;
    private final Exchange exchange;
    private final ResponseWriter client;
    private final ProxyHandler.Attempts attempts;
    private final LoopUpstreams pool;
    private final ProxyConfig config;
    private final byte[] data; // the loop's scratch for decoded body bytes, used only within a step
    private ByteBuffer in; // what arrived from the upstream and is not yet used: the connection's buffer
    private int headScanned; // how much of a response head in has been searched for its end

    // the attempt in progress
    private Upstream u;
    private LoopUpstreams.Conn conn;
    private boolean replaced; // a pooled connection found closed was replaced once already
    private Phase phase = Phase.OVER;
    private int generation; // of the attempt in progress: a step that began another attempt leaves the buffer alone
    private long deadline; // of the current wait; 0: none
    private long begun;
    private ByteBuffer request;
    private Http1Response.Head head;
    private BodyDecoder decoder;
    private boolean reusable;
    private ByteArrayOutputStream kept;
    private Forwarder.EventTail tail;
    private long firstByte;
    private boolean stream;

    LoopAttempt(ProxyHandler handler, ProxyHandler.Prepared p, Exchange exchange, ProxyHandler.Attempts attempts, LoopUpstreams pool) {
        this.handler = handler;
        this.p = p;
        this.exchange = exchange;
        this.client = exchange.response();
        this.attempts = attempts;
        this.pool = pool;
        this.config = handler.proxyConfig();
        this.data = pool.scratch();
        exchange.whenGone(this::clientLeft);
    }

    /** Starts the next attempt, gives up, or goes on on a thread. */
    void next() {
        if (attempts.exhausted()) {
            handler.gaveUp(client, p, attempts, false);
            exchange.done();
            return;
        }
        Upstream next = handler.tryAcquire(p, attempts);
        if (next != null && !"http".equals(next.url().getScheme())) {
            next.release(); // TLS: the thread's client does it; it acquires again
            next = null;
        }
        if (next == null) {
            exchange.onThread(response -> handler.forwardOnThread(response, p, attempts));
            return;
        }
        handler.begun(p.tier(), attempts);
        generation++;
        u = next;
        replaced = false;
        begun = System.nanoTime();
        request = ByteBuffer.wrap(requestBytes());
        pool.watch(this);
        open();
    }

    private byte[] requestBytes() {
        Incoming i = p.in();
        byte[] head = Http1Client.head(u.url(), i.method(), i.pathAndQuery(), Forwarder.headers(u, i), i.body().length);
        byte[] all = Arrays.copyOf(head, head.length + i.body().length);
        System.arraycopy(i.body(), 0, all, head.length, i.body().length);
        return all;
    }

    /** A pooled connection, else a new one. */
    private void open() {
        request.rewind();
        headScanned = 0;
        conn = pool.pooled(u.url(), this);
        if (conn != null) {
            in = conn.buffer();
            send();
            return;
        }
        phase = Phase.CONNECT;
        waitUpTo(pool.connectTimeout().toNanos());
        conn = pool.connect(u.url(), this);
        in = conn.buffer();
    }

    private void waitUpTo(long nanos) {
        deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
    }

    @Override
    public void connectFailed(LoopUpstreams.Conn c, IOException e) {
        if (c != conn || phase != Phase.CONNECT) return;
        retry(new Outcome.Retry(Failure.CONNECT, false, "connect failed: cannot connect to " + c.key + ": " + Forwarder.describe(e), null));
    }

    @Override
    public void ready(LoopUpstreams.Conn c, SelectionKey key) {
        if (c != conn) return;
        switch (phase) {
            case CONNECT -> {
                try {
                    if (!c.channel.finishConnect()) return;
                } catch (IOException e) {
                    connectFailed(c, e);
                    return;
                }
                send();
            }
            case SEND -> write();
            case HEAD, ERROR_BODY, BUFFER, FIRST, RELAY -> read();
            case OVER -> {}
        }
    }

    private void send() {
        phase = Phase.SEND;
        waitUpTo(config.headersTimeout().toNanos());
        write();
    }

    private void write() {
        try {
            conn.channel.write(request);
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (request.hasRemaining()) {
            conn.interest(SelectionKey.OP_WRITE);
            return;
        }
        phase = Phase.HEAD;
        conn.interest(SelectionKey.OP_READ);
    }

    private void read() {
        int n;
        try {
            n = conn.channel.read(in);
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            ended();
            return;
        }
        if (phase == Phase.HEAD) {
            waitUpTo(config.headersTimeout().toNanos());
            parseHead();
        } else {
            waitUpTo(config.idleTimeout().toNanos());
            body();
        }
    }

    /** The response head, once all of it has arrived (1xx interim responses skipped). */
    private void parseHead() {
        int gen = generation;
        while (phase == Phase.HEAD && gen == generation) {
            int end = endOfHead();
            if (end < 0) {
                if (!in.hasRemaining()) failed(new ProtocolException("response head too long"));
                return;
            }
            String text = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            in.flip().position(end);
            in.compact();
            headScanned = 0;
            Http1Response.Head h;
            boolean headRequest = p.in().method().equals("HEAD");
            try {
                h = Http1Response.Head.parse(lines(text));
                if (h.interim()) continue;
                decoder = h.decoder(headRequest);
                reusable = h.keepAlive() && h.framing(headRequest) != Http1Response.Framing.CLOSE;
            } catch (ProtocolException e) {
                failed(e);
                return;
            }
            head = h;
            waitUpTo(config.idleTimeout().toNanos());
            if (Forwarder.retryable(h.status())) {
                phase = Phase.ERROR_BODY;
                kept = new ByteArrayOutputStream();
            } else if (Forwarder.eventStream(h.header("content-type"))) {
                phase = Phase.FIRST;
                tail = new Forwarder.EventTail();
                stream = true;
            } else {
                phase = Phase.BUFFER;
                kept = new ByteArrayOutputStream();
                stream = false;
            }
            body();
        }
    }

    /** The end of the head in {@code in}, or -1; the search resumes where the last one stopped (a head may trickle in). */
    private int endOfHead() {
        int limit = in.position();
        int end = RequestParser.endOfHead(in.array(), headScanned, limit);
        if (end < 0) headScanned = Math.max(0, limit - 2); // a line end that the next bytes may complete is looked at again
        return end;
    }

    private static List<String> lines(String head) {
        List<String> out = new ArrayList<>();
        for (String line : head.split("\n", -1)) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!l.isEmpty()) out.add(l);
        }
        return out;
    }

    /** Undoes the framing of what has arrived and does with it what the phase asks. */
    private void body() {
        int gen = generation;
        in.flip();
        try {
            while (phase != Phase.OVER && phase != Phase.HEAD) {
                int n;
                try {
                    n = decoder.decode(in, data, 0);
                } catch (ProtocolException e) {
                    in.position(in.limit());
                    failed(e);
                    return;
                }
                boolean end = decoder.done();
                if (!took(n, end, end && !in.hasRemaining())) return;
                if (!in.hasRemaining() || end) return;
            }
        } finally {
            if (gen == generation && phase != Phase.OVER) in.compact();
        }
    }

    /**
     * {@code n} decoded bytes in {@code data}, the last of the body if {@code end} ({@code clean}: nothing after it);
     * false when no more should be decoded now.
     */
    private boolean took(int n, boolean end, boolean clean) {
        switch (phase) {
            case ERROR_BODY -> {
                kept.write(data, 0, Math.min(n, Forwarder.ERROR_BODY_LIMIT - kept.size()));
                if (!end && kept.size() < Forwarder.ERROR_BODY_LIMIT) return true;
                release(end && clean);
                retry(Forwarder.retry(head.status(), head.headers(), kept.toByteArray()));
                return false;
            }
            case BUFFER -> {
                kept.write(data, 0, n);
                if (end) {
                    firstByte = System.nanoTime() - begun;
                    Forwarder.commit(client, head.status(), head.headers(), u, kept.size());
                    byte[] all = kept.toByteArray();
                    client.finish(all, 0, all.length);
                    release(clean);
                    over(new Outcome.Relayed(head.status(), firstByte));
                    return false;
                }
                if (kept.size() <= config.responseBufferBytes()) return true;
                // larger than the buffer: the rest is relayed as it comes
                firstByte = System.nanoTime() - begun;
                String length = head.header("content-length");
                Forwarder.commit(client, head.status(), head.headers(), u, length == null ? -1 : Long.parseLong(length.trim()));
                byte[] all = kept.toByteArray();
                kept = null;
                phase = Phase.RELAY;
                return relay(all, all.length);
            }
            case FIRST -> {
                if (n == 0 && !end) return true;
                firstByte = System.nanoTime() - begun;
                Forwarder.commitStream(client, head.status(), head.headers(), u);
                phase = Phase.RELAY;
                if (end) return last(n, clean);
                return relay(data, n);
            }
            case RELAY -> {
                if (end) return last(n, clean);
                return n == 0 || relay(data, n);
            }
            default -> throw new IllegalStateException(phase.name());
        }
    }

    /** Writes a middle part of the body; false while the client has not taken it. */
    private boolean relay(byte[] b, int n) {
        try {
            client.write(b, 0, n, false);
        } catch (ResponseWriter.ClientGone gone) {
            clientGone();
            return false;
        }
        if (stream) tail.saw(b, n);
        if (!exchange.backlogged()) return true;
        conn.interest(0); // the client is slow: the upstream waits until it has taken this
        exchange.whenDrained(this::drained);
        return false;
    }

    private void drained() {
        if (phase != Phase.RELAY) return;
        waitUpTo(config.idleTimeout().toNanos());
        conn.interest(SelectionKey.OP_READ);
        body();
    }

    /** The body's last bytes: sent with the end of the response, after the bookkeeping. */
    private boolean last(int n, boolean clean) {
        client.finish(Arrays.copyOf(data, n), 0, n);
        release(clean);
        over(new Outcome.Relayed(head.status(), firstByte));
        return false;
    }

    /** The upstream closed the connection. */
    private void ended() {
        switch (phase) {
            case SEND, HEAD -> failed(new EOFException("connection closed by upstream"));
            case ERROR_BODY -> {
                release(false);
                retry(Forwarder.retry(head.status(), head.headers(), kept.toByteArray()));
            }
            default -> {
                try {
                    decoder.endOfStream();
                } catch (EOFException e) {
                    failed(e);
                    return;
                }
                boolean more = took(0, true, false);
                if (more) throw new IllegalStateException("a body that has ended wants more");
            }
        }
    }

    /** Reading from or writing to the upstream failed (or it broke the protocol). */
    private void failed(IOException e) {
        switch (phase) {
            case SEND, HEAD -> {
                if (!(e instanceof SocketTimeoutException) && conn.reused && !replaced && in.position() == 0) {
                    replaced = true; // a pooled connection the upstream had closed meanwhile: replaced, once
                    release(false);
                    open();
                    return;
                }
                release(false);
                retry(new Outcome.Retry(Failure.RESET, false, "request failed: " + Forwarder.describe(e), null));
            }
            case ERROR_BODY -> {
                release(false);
                retry(Forwarder.retry(head.status(), head.headers(), new byte[0]));
            }
            case BUFFER -> {
                release(false);
                retry(new Outcome.Retry(e instanceof SocketTimeoutException ? Failure.TIMEOUT : Failure.RESET, false,
                        "response body failed: " + Forwarder.describe(e), null));
            }
            case FIRST -> {
                release(false);
                boolean timedOut = e instanceof SocketTimeoutException;
                retry(new Outcome.Retry(timedOut ? Failure.TIMEOUT : Failure.RESET, false,
                        timedOut ? "no first event within the idle timeout" : "stream failed before its first byte: " + Forwarder.describe(e), null));
            }
            case RELAY -> broken(e instanceof SocketTimeoutException ? Forwarder.silent(u.name(), config.idleTimeout())
                    : Forwarder.failedMidStream(u.name(), e));
            case CONNECT -> connectFailed(conn, e);
            case OVER -> {}
        }
    }

    /** The upstream failed after the client's first byte: an error event ends a stream cleanly; other bodies are cut. */
    private void broken(String why) {
        release(false);
        if (stream) {
            byte[] event = tail.errorEvent(why);
            client.finish(event, 0, event.length);
        } else {
            client.abort();
        }
        over(new Outcome.Broken(head.status(), why));
    }

    /** The client closed its connection before its response was done: the upstream's work stops now. */
    private void clientLeft() {
        if (phase != Phase.OVER) clientGone();
    }

    private void clientGone() {
        release(false); // closing the upstream connection cancels its work
        client.abort();
        over(new Outcome.ClientGone(head == null ? 0 : head.status()));
    }

    /** Deadlines, looked at every tick of the loop. */
    void sweep(long now) {
        if (phase == Phase.OVER || deadline == 0 || now - deadline < 0) return;
        switch (phase) {
            case CONNECT -> {
                release(false);
                retry(new Outcome.Retry(Failure.CONNECT, false, "connect failed: cannot connect to " + conn.key + ": timed out after "
                        + Units.format(pool.connectTimeout()), null));
            }
            case SEND, HEAD -> {
                release(false);
                retry(new Outcome.Retry(Failure.TIMEOUT, false, "no response headers within " + Units.format(config.headersTimeout()), null));
            }
            case RELAY -> {
                if (exchange.backlogged()) clientGone(); // the client has taken nothing for the whole idle timeout
                else failed(new SocketTimeoutException());
            }
            default -> failed(new SocketTimeoutException());
        }
    }

    /** The upstream connection goes back to the pool ({@code clean}: the response was read to its end) or is closed. */
    private void release(boolean clean) {
        if (conn == null) return;
        if (clean && reusable) conn.release();
        else conn.close();
        conn = null;
    }

    /** This attempt failed before the client got anything: the next one, on another upstream where there is one. */
    private void retry(Outcome.Retry r) {
        release(false);
        phase = Phase.OVER;
        pool.forget(this);
        ProxyHandler.released(p.tier(), u);
        handler.failed(p.tier(), u, r, attempts);
        head = null;
        kept = null;
        next();
    }

    /** The client's response is settled: bookkeeping, then its end goes out. */
    private void over(Outcome o) {
        phase = Phase.OVER;
        pool.forget(this);
        ProxyHandler.released(p.tier(), u);
        handler.finish(p.tier(), u, o, p.start());
        exchange.done();
    }

    /** Before the client's first byte: ahead of the events of streams under way. */
    @Override
    public boolean urgent() {
        return phase != Phase.RELAY && phase != Phase.OVER;
    }

    @Override
    public void shutDown() {
        if (phase == Phase.OVER) return;
        phase = Phase.OVER;
        ProxyHandler.released(p.tier(), u);
    }
}
