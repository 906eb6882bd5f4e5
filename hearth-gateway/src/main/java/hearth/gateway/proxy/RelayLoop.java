package hearth.gateway.proxy;

import hearth.gateway.ShortSlice;
import hearth.gateway.front.ResponseWriter;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * then treated as gone; a client that has gone cancels the upstream request (its connection is closed).
 */
final class RelayLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);
    private static final int BUFFER = 16 * 1024;

    /** How a relay ended, and the bytes the connection's thread still has to send with the end of the response (or null). */
    record Ended(Outcome outcome, byte[] last) {}

    private final Selector selector;
    private final Thread thread;
    private final long tickNanos;
    private final boolean shortSlice;
    private final ConcurrentLinkedQueue<Stream> incoming = new ConcurrentLinkedQueue<>();
    private final Set<Stream> active = new LinkedHashSet<>();
    private final List<Stream> ending = new ArrayList<>();
    private volatile boolean closed;

    /**
     * {@code finest}: the shortest idle timeout streams will have; it sets how often deadlines are looked at.
     * {@code shortSlice}: the loop's thread asks for a short scheduler slice ({@link ShortSlice}).
     */
    RelayLoop(Duration finest, String name, boolean shortSlice) throws IOException {
        this.shortSlice = shortSlice;
        long f = finest.isZero() || finest.isNegative() ? Duration.ofSeconds(10).toNanos() : finest.toNanos();
        this.tickNanos = Math.clamp(f / 10, Duration.ofMillis(5).toNanos(), Duration.ofSeconds(1).toNanos());
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /**
     * Relays the rest of a streamed response and returns when it has ended. {@code upstream} is the body handed over
     * and {@code from} its channel; {@code to} is {@code client}'s channel. Both channels are in blocking mode before
     * and after.
     */
    Ended relay(Http1Response.Handoff upstream, SocketChannel from, ResponseWriter client, SocketChannel to,
            Forwarder.EventTail tail, String name, int status, long firstByte, Duration idle) throws InterruptedException {
        Stream s = new Stream(upstream, from, client, to, tail, name, status, firstByte, idle);
        if (closed) return abandoned(s);
        incoming.add(s);
        selector.wakeup();
        try {
            while (true) {
                try {
                    return s.done.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException stillRunning) {
                    // a loop that has stopped (closed just now, or killed by an Error) never takes a queued stream
                    if (!thread.isAlive() && incoming.remove(s)) return abandoned(s);
                }
            }
        } catch (InterruptedException e) {
            s.cancelled = true; // ended by the loop within a tick; the channels are not touched here before that
            selector.wakeup();
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

    /** One stream being relayed; touched only by the loop's thread (but for the cancel flag and the result). */
    private static final class Stream {
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
        final ByteBuffer in = ByteBuffer.allocate(BUFFER);
        final byte[] data = new byte[BUFFER];
        volatile boolean cancelled;
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
    }

    private void run() {
        if (shortSlice) ShortSlice.request();
        try {
            loop();
        } finally {
            shutDown(); // also after an Error: no stream may wait for a loop that has gone
        }
    }

    private void loop() {
        long lastSweep = System.nanoTime();
        while (!closed) {
            try {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(tickNanos)));
            } catch (IOException e) {
                LOG.warn("relay selector failed: {}", e.toString());
                continue;
            }
            for (Stream next = incoming.poll(); next != null; next = incoming.poll()) {
                Stream s = next;
                guarded(s, () -> start(s));
            }
            handleSelected();
            long now = System.nanoTime();
            if (now - lastSweep >= tickNanos) {
                lastSweep = now;
                for (Stream s : List.copyOf(active)) guarded(s, () -> sweep(s, now));
            }
            while (!ending.isEmpty()) {
                handBack();
                handleSelected(); // what handing back selected: a later select() would not report it again
            }
        }
    }

    private void handleSelected() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey k = keys.next();
            keys.remove();
            Stream s = (Stream) k.attachment();
            if (s.finished || !k.isValid()) continue;
            if (k == s.toKey && k.isWritable()) guarded(s, () -> flush(s));
            else if (k == s.fromKey && k.isReadable()) guarded(s, () -> read(s));
        }
    }

    /** Runs a step of one stream; a bug in it ends that stream with an error event, not the loop. */
    private void guarded(Stream s, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("relaying from upstream {} failed: {}", s.name, e.toString());
            if (!s.finished) broken(s, "gateway relay failed");
        }
    }

    private void start(Stream s) {
        s.lastProgress = System.nanoTime();
        try {
            s.from.configureBlocking(false);
            s.to.configureBlocking(false);
            s.fromKey = s.from.register(selector, 0, s);
            s.toKey = s.to.register(selector, 0, s);
        } catch (IOException e) {
            gone(s); // a channel closed meanwhile: the gateway is closing the client's connection
            return;
        }
        active.add(s);
        consume(s);
        if (!s.finished && s.pending == null) s.fromKey.interestOps(SelectionKey.OP_READ);
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

    private void sweep(Stream s, long now) {
        if (s.cancelled) gone(s);
        else if (s.idleNanos > 0 && now - s.lastProgress > s.idleNanos) {
            if (s.pending != null) gone(s); // the client has not read for the whole idle timeout
            else broken(s, Forwarder.silent(s.name, Duration.ofNanos(s.idleNanos)));
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

    private void end(Stream s, Ended result, boolean reusable) {
        s.finished = true;
        s.result = result;
        s.reusable = reusable;
        active.remove(s);
        if (s.fromKey != null) s.fromKey.cancel();
        if (s.toKey != null) s.toKey.cancel();
        ending.add(s);
    }

    /** Puts the ended streams' channels back in blocking mode (their keys must be gone first) and wakes their threads. */
    private void handBack() {
        try {
            selector.selectNow(); // deregisters the cancelled keys; what it selects is handled in the next round
        } catch (IOException e) {
            LOG.warn("relay selector failed: {}", e.toString());
        }
        List<Stream> ended = List.copyOf(ending);
        ending.clear();
        for (Stream s : ended) {
            try {
                s.to.configureBlocking(true);
            } catch (IOException | RuntimeException e) {
                s.client.abort(); // its connection is closing anyway
            }
            boolean released = false;
            if (s.reusable) {
                try {
                    s.from.configureBlocking(true);
                    s.up.conn().release();
                    released = true;
                } catch (IOException | RuntimeException e) {
                    // not reusable after all
                }
            }
            if (!released) s.up.conn().close();
            s.done.complete(s.result);
        }
    }

    /** A stream the loop will not relay (it is closing or has stopped): both connections are cut. */
    private static Ended abandoned(Stream s) {
        s.client.abort();
        s.up.conn().close();
        return new Ended(new Outcome.ClientGone(s.status), null);
    }

    private void shutDown() {
        for (Stream s; (s = incoming.poll()) != null; ) active.add(s);
        for (Stream s : active) s.done.complete(abandoned(s));
        active.clear();
        for (Stream s : ending) { // their channels were not put back in blocking mode: the connection is cut instead
            s.client.abort();
            s.up.conn().close();
            s.done.complete(s.result);
        }
        ending.clear();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }
}
