package hearth.gateway.front;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection while it lives on the {@link EventLoop}: it reads the next request without blocking, gives it
 * to the handler's {@link FrontServer.Handler#start} as an {@link Exchange}, and writes the response without
 * blocking, keeping what the client has not taken yet. A request the loop does not serve (a chunked body, an
 * expected 100-continue, a body over {@link #MAX_BODY}, a head it must refuse, or one the handler leaves to a
 * thread) moves the connection to a thread for that request, after which it comes back. All of it runs on the
 * loop's thread.
 *
 * <p>The connection stays registered for reading while a response is under way, as between requests: a client that
 * closes its connection is seen at once (and the handler told, so that the upstream stops working for nobody, as
 * nginx does), pipelined bytes wait in the buffer, and no request changes the selector's interest set (two
 * {@code epoll_ctl} calls per request saved). Only a full buffer stops the reading until the response is done.
 */
final class LoopConnection implements EventLoop.Handler, Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(LoopConnection.class);
    /** Bodies up to this size are read on the loop; larger ones are read on a thread, as they arrive. */
    static final int MAX_BODY = 1 << 20;
    private static final int HEAD_LIMIT = 16 * 1024;

    private enum State { READING, BODY, ASYNC, THREAD, CLOSING, CLOSED }

    private final FrontServer server;
    private final FrontServer.Connection conn;
    private final EventLoop loop;
    private final SocketChannel ch;
    private final ClientInput in;
    private final Set<LoopConnection> watched; // the loop's: connections reading a request or closing, by deadline
    private final Output output = new Output();
    private SelectionKey key;
    private State state = State.READING;
    private long deadline;
    private RequestParser.Head head;
    private byte[] body;
    private int bodyFilled;
    private int scanned; // buffered bytes of the next head already searched for its end
    private FrontRequest request;
    private ResponseWriter response;
    private Runnable drained;
    private Runnable gone; // the handler's, told when the client closes during the response
    private FrontServer.Step afterDrain; // a move to a thread that waits for the previous response's last bytes
    private byte[] scratch = new byte[2048];
    private boolean advancing;
    private boolean again;

    LoopConnection(FrontServer server, FrontServer.Connection conn, EventLoop loop) {
        this.server = server;
        this.conn = conn;
        this.loop = loop;
        this.ch = conn.channel;
        this.in = conn.in;
        this.watched = server.watched(loop);
    }

    /** Closes the connections in {@code watched} whose deadline has passed; on the loop, every tick. */
    static void sweep(Set<LoopConnection> watched) {
        long now = System.nanoTime();
        for (LoopConnection c : List.copyOf(watched)) if (now - c.deadline > 0) c.expire();
    }

    /** A new connection: waits for its first request. */
    void begin() {
        try {
            key = loop.register(ch, 0, this);
        } catch (IOException | RuntimeException e) {
            close();
            return;
        }
        reading();
    }

    /** Back from a thread (called there): the connection waits for its next request on the loop again. */
    void resume() {
        loop.execute(() -> {
            if (server.closed()) {
                close();
                return;
            }
            begin();
        });
    }

    private void reading() {
        if (response != null && response.scratch().length <= 64 * 1024) scratch = response.scratch(); // for the next response
        state = State.READING;
        request = null;
        response = null;
        drained = null;
        gone = null;
        watch(server.options().keepAlive().toNanos());
        interest();
        if (in.available() > 0) advance(); // pipelined: the next request is already here
    }

    private void watch(long timeoutNanos) {
        deadline = System.nanoTime() + timeoutNanos;
        watched.add(this);
    }

    private void expire() {
        if (state == State.READING && in.available() > 0) LOG.debug("client {} sent no whole request head in time", conn.remote);
        close();
    }

    private void interest() {
        if (key == null || !key.isValid()) return;
        boolean reads = state == State.READING || state == State.BODY || (state == State.ASYNC && !in.full());
        int ops = reads ? SelectionKey.OP_READ : 0;
        if (output.pending()) ops |= SelectionKey.OP_WRITE;
        key.interestOps(ops);
    }

    /** Reading a request: it goes before the events of streams already under way. */
    @Override
    public boolean urgent() {
        return state == State.READING || state == State.BODY;
    }

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid()) return;
        if (k.isWritable()) output.send();
        if (!k.isValid() || !k.isReadable()) return;
        if (state == State.READING || state == State.BODY) read();
        else if (state == State.ASYNC) readAhead();
    }

    /**
     * Readable while a response is under way: the client closed its connection (or it broke), or sent the next
     * request early, which waits in the buffer until this response is done.
     */
    private void readAhead() {
        int n;
        try {
            n = in.readFrom(ch);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            LOG.debug("client {} closed its connection during the response to {} {}", conn.remote, request.method(), request.path());
            close();
            return;
        }
        if (in.full()) interest(); // no more until this response is done
    }

    private void read() {
        int n;
        try {
            n = state == State.BODY ? ch.read(ByteBuffer.wrap(body, bodyFilled, body.length - bodyFilled)) : in.readFrom(ch);
        } catch (IOException e) {
            LOG.debug("client {} dropped: {}", conn.remote, e.toString());
            close();
            return;
        }
        if (n < 0) {
            close(); // between requests the client may close; inside one, nobody is left to answer
            return;
        }
        if (n == 0) return;
        if (state == State.BODY) {
            bodyFilled += n;
            watch(server.options().readTimeout().toNanos());
            if (bodyFilled == body.length) dispatch();
            return;
        }
        advance();
    }

    /**
     * Serves the requests that have arrived whole, in turn. A request answered at once ends in {@link #done}, which
     * comes back here: that call only marks that there is more to do, so pipelined requests do not nest.
     */
    private void advance() {
        if (advancing) {
            again = true;
            return;
        }
        advancing = true;
        try {
            do {
                again = false;
                next();
            } while (again && state == State.READING);
        } finally {
            advancing = false;
        }
    }

    /** Looks for a whole request head in what has arrived; reads its body or moves it to a thread. */
    private void next() {
        if (state != State.READING) return;
        int start = in.pos;
        RequestParser.Head h;
        try {
            h = RequestParser.buffered(in, HEAD_LIMIT, scanned);
        } catch (RequestParser.BadRequest e) {
            in.pos = start;
            scanned = 0;
            toThread(FrontServer.Connection::serveOne); // it parses the head again and refuses it
            return;
        }
        if (h == null) {
            scanned = in.available();
            watch(scanned > 0 ? server.options().readTimeout().toNanos() : server.options().keepAlive().toNanos());
            return;
        }
        scanned = 0;
        if (h.chunked() || h.expectContinue() || h.contentLength() > MAX_BODY) {
            in.pos = start;
            toThread(FrontServer.Connection::serveOne);
            return;
        }
        head = h;
        body = new byte[(int) h.contentLength()];
        bodyFilled = Math.min(body.length, in.available());
        System.arraycopy(in.buf, in.pos, body, 0, bodyFilled);
        in.pos += bodyFilled;
        if (bodyFilled < body.length) {
            state = State.BODY;
            watch(server.options().readTimeout().toNanos());
            return;
        }
        dispatch();
    }

    /** A whole request: the handler starts it here, or it moves to a thread. */
    private void dispatch() {
        FrontRequest req = new FrontRequest(head, body, conn.remote);
        head = null;
        body = null;
        request = req;
        response = new ResponseWriter(output, req, null, scratch);
        state = State.ASYNC;
        watched.remove(this);
        interest();
        boolean taken;
        try {
            taken = server.handler().start(req, this);
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed: {}", req.method(), req.path(), e.toString());
            if (request == req && state == State.ASYNC) {
                if (!response.committed()) answer(500, "internal gateway error");
                else response.abort();
                done();
            }
            return;
        }
        if (!taken) onThread(r -> server.handler().handle(req, r));
    }

    private void answer(int status, String message) {
        response.status(status);
        response.setHeader("Content-Type", "application/json");
        byte[] b = server.handler().errorBody(status, message);
        try {
            response.write(b, 0, b.length, true);
        } catch (ResponseWriter.ClientGone ignored) {
            // nobody to tell
        }
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public ResponseWriter response() {
        return response;
    }

    @Override
    public boolean backlogged() {
        return output.pending();
    }

    @Override
    public void whenGone(Runnable r) {
        gone = r;
    }

    @Override
    public void whenDrained(Runnable r) {
        if (!output.pending() || state == State.CLOSED) r.run();
        else drained = r;
    }

    @Override
    public void done() {
        if (state != State.ASYNC) return; // closed meanwhile
        try {
            response.complete();
        } catch (ResponseWriter.ClientGone gone) {
            close();
            return;
        }
        if (!response.reusable() || server.closed()) {
            state = State.CLOSING;
            if (!output.pending()) close();
            else {
                watch(server.options().readTimeout().toNanos()); // a client that takes nothing is not waited for forever
                interest();
            }
            return;
        }
        reading();
    }

    @Override
    public void onThread(Task task) {
        if (state != State.ASYNC) return;
        if (response.committed()) throw new IllegalStateException("the response has begun on the loop");
        FrontRequest req = request;
        toThread(c -> c.answer(req, task));
    }

    /** Moves the connection to a thread for one request, once the previous response has left. */
    private void toThread(FrontServer.Step step) {
        state = State.THREAD;
        watched.remove(this);
        if (output.pending()) {
            afterDrain = step;
            interest();
            return;
        }
        SelectionKey k = key;
        key = null;
        loop.deregister(k, blocking -> {
            if (!blocking) close();
            else server.onThread(conn, this, step);
        });
    }

    private void close() {
        if (state == State.CLOSED) return;
        State was = state;
        state = State.CLOSED;
        watched.remove(this);
        if (key != null) key.cancel();
        key = null;
        conn.end();
        Runnable r = drained;
        drained = null;
        if (r != null) r.run(); // the handler learns that the client has gone at its next write
        Runnable g = gone;
        gone = null;
        if (g != null && was == State.ASYNC && !server.closed()) g.run();
    }

    @Override
    public void shutDown() {
        close();
    }

    /** Non-blocking writes to the client: what the socket does not take at once is kept and sent when it can. */
    private final class Output extends OutputStream {
        private byte[] kept = new byte[0];
        private final ArrayView view = new ArrayView();
        private int from;
        private int to;
        private boolean failed;

        boolean pending() {
            return to > from;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failed || state == State.CLOSED) throw new IOException("the client connection is closed");
            if (!pending()) {
                int n;
                try {
                    n = ch.write(view.of(b, off, len));
                } catch (IOException e) {
                    failed = true;
                    throw e;
                }
                off += n;
                len -= n;
            }
            if (len == 0) return;
            if (kept.length - to < len) {
                int live = to - from;
                byte[] into = live + len <= kept.length ? kept : new byte[Math.max(live + len, 2 * kept.length)];
                System.arraycopy(kept, from, into, 0, live);
                kept = into;
                from = 0;
                to = live;
            }
            System.arraycopy(b, off, kept, to, len);
            to += len;
            interest();
        }

        /** Sends what was kept, as far as the socket takes it. */
        void send() {
            if (!pending()) return;
            try {
                from += ch.write(view.of(kept, from, to - from));
            } catch (IOException e) {
                failed = true;
                from = to;
                if (state == State.ASYNC) { // the handler learns it at its next write
                    Runnable r = drained;
                    drained = null;
                    if (r != null) r.run();
                } else {
                    LoopConnection.this.close();
                }
                return;
            }
            if (pending()) return;
            from = to = 0;
            if (kept.length > 64 * 1024) kept = new byte[0];
            interest();
            if (state == State.CLOSING) {
                LoopConnection.this.close();
            } else if (state == State.THREAD && afterDrain != null) {
                FrontServer.Step step = afterDrain;
                afterDrain = null;
                toThread(step);
            } else if (drained != null) {
                Runnable r = drained;
                drained = null;
                r.run();
            }
        }
    }

    @Override
    public String toString() {
        return "client " + conn.remote + " (" + state + ")";
    }
}
