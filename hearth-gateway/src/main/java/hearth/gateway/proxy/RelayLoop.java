package hearth.gateway.proxy;

import hearth.gateway.front.EventLoop;
import hearth.gateway.front.ResponseWriter;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The middle of streamed (SSE) responses, relayed for all of them on one selector thread, as nginx's workers relay
 * them. The connection's thread sends the request, reads the response head and the first event and writes them (so
 * a failure before the client's first byte can still be retried elsewhere), then hands both connections here and
 * waits. Each time an upstream has sent something the loop reads all of it, undoes its framing and writes it to the
 * client as one chunk: events that arrived together leave together. Where a thread per stream is woken for every
 * event, here one thread takes whatever is ready across all streams per wake-up, so under load the streams do not
 * queue their wake-ups behind each other on the cores. The response's last bytes (the end of the body, or an error
 * event when the upstream fails or stays silent past the idle timeout) go back to the connection's thread, which
 * sends them after its bookkeeping, as in the blocking relay. A client that stops reading is given the idle timeout,
 * then treated as gone; a client that has gone cancels the upstream request (its connection is closed). The selector
 * thread is an {@link EventLoop} of its own (with {@code event_loops: 0} connections have threads and no loop).
 */
final class RelayLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);
    private static final int BUFFER = 16 * 1024;

    /** How a relay ended, and the bytes the connection's thread still has to send with the end of the response (or null). */
    record Ended(Outcome outcome, byte[] last) {}

    private final EventLoop loop;
    private final Set<Stream> active = new LinkedHashSet<>(); // on the loop's thread only

    /**
     * {@code finest}: the shortest idle timeout streams will have; it sets how often deadlines are looked at.
     * {@code shortSlice}: the loop's thread asks for a short scheduler slice.
     */
    RelayLoop(Duration finest, String name, boolean shortSlice) throws IOException {
        this.loop = new EventLoop(name, EventLoop.tick(finest), shortSlice);
        loop.execute(() -> loop.everyTick(this::sweep));
    }

    /**
     * Relays the rest of a streamed response and returns when it has ended. {@code upstream} is the body handed over
     * and {@code from} its channel; {@code to} is {@code client}'s channel. Both channels are in blocking mode before
     * and after.
     */
    Ended relay(Http1Response.Handoff upstream, SocketChannel from, ResponseWriter client, SocketChannel to,
            Forwarder.EventTail tail, String name, int status, long firstByte, Duration idle) throws InterruptedException {
        Stream s = new Stream(upstream, from, client, to, tail, name, status, firstByte, idle);
        loop.execute(() -> start(s));
        try {
            while (true) {
                try {
                    return s.done.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException stillRunning) {
                    // a loop that has stopped (closed just now, or killed by an Error) drops the streams queued for it
                    if (!loop.running() && s.settle()) return abandoned(s);
                }
            }
        } catch (InterruptedException e) {
            loop.execute(() -> { // the channels are not touched here before the loop has let go of them
                if (!s.finished) gone(s);
            });
            try {
                s.done.get(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | InterruptedException ignored) {
                // shutting down anyway
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("relay failed", e.getCause());
        }
    }

    /** One stream being relayed; touched only by the loop's thread (but for the result and who settles it). */
    private final class Stream implements EventLoop.Handler {
        final Http1Response.Handoff up;
        final SocketChannel from;
        final ResponseWriter client;
        final SocketChannel to;
        final Forwarder.EventTail tail;
        final String name;
        final int status;
        final long firstByte;
        final long idleNanos;
        final CompletableFuture<Ended> done = new CompletableFuture<>();
        /** Set by whoever decides what becomes of both connections: the hand-back, or abandoning them. */
        final AtomicBoolean settled = new AtomicBoolean();
        final ByteBuffer in = ByteBuffer.allocate(BUFFER);
        final byte[] data = new byte[BUFFER];
        SelectionKey fromKey;
        SelectionKey toKey;
        ByteBuffer pending; // framed bytes the client has not taken yet
        long lastProgress;
        boolean finished;
        boolean reusable;
        Ended result;

        Stream(Http1Response.Handoff up, SocketChannel from, ResponseWriter client, SocketChannel to, Forwarder.EventTail tail,
                String name, int status, long firstByte, Duration idle) {
            this.up = up;
            this.from = from;
            this.client = client;
            this.to = to;
            this.tail = tail;
            this.name = name;
            this.status = status;
            this.firstByte = firstByte;
            this.idleNanos = idle.toNanos();
            in.put(up.buffered());
        }

        boolean settle() {
            return settled.compareAndSet(false, true);
        }

        /** A bug in one stream's step ends that stream with an error event, not the loop. */
        @Override
        public void ready(SelectionKey k) {
            if (finished) return;
            try {
                if (k == toKey && k.isWritable()) flush(this);
                else if (k == fromKey && k.isReadable()) read(this);
            } catch (RuntimeException e) {
                failed(this, e);
            }
        }

        @Override
        public void shutDown() {
            if (settle()) done.complete(abandoned(this));
        }
    }

    private void start(Stream s) {
        s.lastProgress = System.nanoTime();
        try {
            s.fromKey = loop.register(s.from, 0, s);
            s.toKey = loop.register(s.to, 0, s);
        } catch (IOException e) { // a channel closed meanwhile: the gateway is closing the client's connection
            s.finished = true;
            if (s.settle()) s.done.complete(abandoned(s));
            return;
        }
        active.add(s);
        try {
            consume(s);
        } catch (RuntimeException e) {
            failed(s, e);
        }
        if (!s.finished && s.pending == null) s.fromKey.interestOps(SelectionKey.OP_READ);
    }

    private void failed(Stream s, RuntimeException e) {
        LOG.warn("relaying from upstream {} failed: {}", s.name, e.toString());
        if (!s.finished) broken(s, "gateway relay failed");
    }

    private void read(Stream s) {
        int n;
        try {
            n = s.from.read(s.in);
        } catch (IOException e) {
            broken(s, Forwarder.failedMidStream(s.name, e));
            return;
        }
        if (n == 0) return;
        s.lastProgress = System.nanoTime();
        if (n > 0) {
            consume(s);
            return;
        }
        try {
            s.up.decoder().endOfStream();
        } catch (EOFException e) {
            broken(s, Forwarder.failedMidStream(s.name, e));
            return;
        }
        end(s, new Ended(new Outcome.Relayed(s.status, s.firstByte), new byte[0]), false);
    }

    /** Decodes what has arrived and writes it to the client, or keeps it for the end of the response. */
    private void consume(Stream s) {
        s.in.flip();
        int n;
        try {
            n = s.up.decoder().decode(s.in, s.data, 0);
        } catch (ProtocolException e) {
            broken(s, Forwarder.failedMidStream(s.name, e));
            return;
        }
        if (s.up.decoder().done()) { // the last bytes leave with the end of the response
            boolean clean = !s.in.hasRemaining();
            end(s, new Ended(new Outcome.Relayed(s.status, s.firstByte), Arrays.copyOf(s.data, n)), s.up.reusable() && clean);
            return;
        }
        s.in.compact();
        if (n == 0) return;
        s.tail.saw(s.data, n);
        s.pending = s.client.frame(s.data, 0, n);
        flush(s);
    }

    private void flush(Stream s) {
        try {
            if (s.to.write(s.pending) > 0) s.lastProgress = System.nanoTime();
        } catch (IOException e) {
            gone(s);
            return;
        }
        if (s.pending.hasRemaining()) { // the client is slow: stop reading the upstream until it has taken this
            s.fromKey.interestOps(0);
            s.toKey.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        s.pending = null;
        s.toKey.interestOps(0);
        s.fromKey.interestOps(SelectionKey.OP_READ);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Stream s : List.copyOf(active)) {
            if (s.idleNanos <= 0 || now - s.lastProgress <= s.idleNanos) continue;
            try {
                if (s.pending != null) gone(s); // the client has not read for the whole idle timeout
                else broken(s, Forwarder.silent(s.name, Duration.ofNanos(s.idleNanos)));
            } catch (RuntimeException e) {
                failed(s, e);
            }
        }
    }

    /** The upstream failed mid-stream: the client gets an error event that ends the stream cleanly. */
    private void broken(Stream s, String why) {
        end(s, new Ended(new Outcome.Broken(s.status, why), s.tail.errorEvent(why)), false);
    }

    /** The client went away: the upstream request is cancelled by closing its connection. */
    private void gone(Stream s) {
        s.client.abort();
        end(s, new Ended(new Outcome.ClientGone(s.status), null), false);
    }

    /** Hands both channels back in blocking mode (the selector lets go of them first) and wakes the stream's thread. */
    private void end(Stream s, Ended result, boolean reusable) {
        s.finished = true;
        s.result = result;
        s.reusable = reusable;
        active.remove(s);
        loop.deregister(s.toKey, toBlocking -> loop.deregister(s.fromKey, fromBlocking -> handBack(s, toBlocking, fromBlocking)));
    }

    private static void handBack(Stream s, boolean toBlocking, boolean fromBlocking) {
        if (!s.settle()) return; // abandoned as the loop shut down
        if (!toBlocking) s.client.abort(); // its connection is closing anyway
        boolean released = false;
        if (s.reusable && fromBlocking) {
            try {
                s.up.conn().release();
                released = true;
            } catch (RuntimeException e) {
                // not reusable after all
            }
        }
        if (!released) s.up.conn().close();
        s.done.complete(s.result);
    }

    /** A stream the loop will not relay (it is closing or has stopped): both connections are cut. */
    private static Ended abandoned(Stream s) {
        s.client.abort();
        s.up.conn().close();
        return new Ended(new Outcome.ClientGone(s.status), null);
    }

    @Override
    public void close() {
        loop.close();
    }
}
