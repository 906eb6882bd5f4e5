package hearth.gateway.front;

import hearth.gateway.ShortSlice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP/1.1 front end, requests of a connection served in turn (keep-alive and pipelining), in one of
 * two ways. With {@code eventLoops} (by default one per core), each connection lives on one of that many
 * {@link EventLoop}s, which take new connections in turn: its loop reads each request and gives it to
 * {@link Handler#start}, which answers it without blocking (the proxy sends it upstream and relays the answer on the
 * same loop); a request the handler cannot take so (or whose body is chunked, expects 100-continue or is large) is
 * served on a thread of its own, after which the connection goes back to its loop. With none, each connection has a
 * thread of its own with blocking reads and writes. A general-purpose server (Jetty) adds a
 * selector thread, a hand-off to a worker and a wake-up to re-arm the connection for every request, which doubled
 * the gateway's CPU per request against nginx's (docs/performance.md). At most {@code maxConnections} connections
 * are served at once; further ones wait in the listen backlog.
 */
public final class FrontServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrontServer.class);
    private static final int BUFFER = 16 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** Answers requests. */
    public interface Handler {
        /** Answers one request on a thread, where it may block; the front end completes the response when this returns. */
        void handle(FrontRequest request, ResponseWriter response) throws Exception;

        /**
         * Takes a request on the event loop (its body is whole in {@link FrontRequest#body()}), without blocking, and
         * ends it through {@code exchange}; false leaves it to {@link #handle} on a thread.
         */
        default boolean start(FrontRequest request, Exchange exchange) {
            return false;
        }

        /** The body of an error the front end answers itself (malformed request, head too large, handler failure). */
        byte[] errorBody(int status, String message);
    }

    /**
     * @param keepAlive how long an idle connection waits for its next request
     * @param readTimeout the longest silence inside a request head or body
     * @param shortSlice with {@code eventLoops} 0, connection threads ask for a short scheduler slice ({@link ShortSlice};
     *     platform threads only); the event loops, and the threads they hand requests to, keep the kernel's
     * @param eventLoops connections live on this many {@link EventLoop}s (each its share, as nginx's workers) between
     *     requests and during those the handler {@link Handler#start starts} there; 0: a thread per connection
     * @param finestTimeout the shortest timeout the handler keeps on the event loop (zero: none); with the front's own
     *     it sets how often the loop looks at deadlines
     */
    public record Options(int maxConnections, boolean virtualThreads, Duration keepAlive, Duration readTimeout, boolean shortSlice,
            int eventLoops, Duration finestTimeout) {
        public static Options defaults() {
            return new Options(4096, false, Duration.ofSeconds(75), Duration.ofSeconds(60), true,
                    Runtime.getRuntime().availableProcessors(), Duration.ZERO);
        }

        /** See {@link EventLoop#tick}: for the shortest of the front's and the handler's timeouts. */
        Duration tick() {
            long finest = Math.min(keepAlive.toNanos(), readTimeout.toNanos());
            if (!finestTimeout.isZero() && !finestTimeout.isNegative()) finest = Math.min(finest, finestTimeout.toNanos());
            return EventLoop.tick(Duration.ofNanos(finest));
        }
    }

    private final Handler handler;
    private final Options options;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final ReadWatchdog watchdog;
    private final List<EventLoop> loops; // empty: a thread per connection
    private final Map<EventLoop, Set<LoopConnection>> watched = new HashMap<>();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public FrontServer(Handler handler, Options options) {
        this.handler = handler;
        this.options = options;
        this.slots = new Semaphore(options.maxConnections());
        AtomicInteger n = new AtomicInteger();
        this.workers = options.virtualThreads()
                ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gateway-conn-", 1).factory())
                : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                        r -> Thread.ofPlatform().daemon().name("gateway-conn-" + n.incrementAndGet()).unstarted(() -> {
                            if (options.shortSlice() && options.eventLoops() == 0) ShortSlice.request();
                            r.run();
                        }));
        Duration finest = options.keepAlive().compareTo(options.readTimeout()) < 0 ? options.keepAlive() : options.readTimeout();
        this.watchdog = new ReadWatchdog(finest, "gateway-client-deadlines");
        List<EventLoop> ls = new ArrayList<>();
        for (int i = 1; i <= options.eventLoops(); i++) ls.add(startLoop(options, "gateway-loop-" + i));
        this.loops = List.copyOf(ls);
    }

    private EventLoop startLoop(Options options, String name) {
        EventLoop l;
        try {
            // the loops keep the kernel's slice: a loop that relays a burst of events was preempted every 0.1 ms with the
            // short one, which made whole streams slower (and cost CPU) without bringing the first token sooner
            l = new EventLoop(name, options.tick(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
        Set<LoopConnection> mine = new LinkedHashSet<>();
        watched.put(l, mine);
        l.execute(() -> l.everyTick(() -> LoopConnection.sweep(mine)));
        return l;
    }

    /** A loop's connections that are reading a request or closing, whose deadlines it keeps; that loop's thread's only. */
    Set<LoopConnection> watched(EventLoop loop) {
        return watched.get(loop);
    }

    /** Binds {@code host:port} (0: any free port) and starts accepting. */
    public FrontServer start(String host, int port) throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, port), 1024);
        acceptor = Thread.ofPlatform().daemon().name("gateway-accept").start(this::acceptLoop);
        return this;
    }

    public int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                slots.release();
                return;
            } catch (IOException e) {
                slots.release();
                LOG.warn("accept failed: {}", e.toString());
                pause();
                continue;
            }
            Connection c = null;
            try {
                c = new Connection(ch);
                open.add(c);
                if (!loops.isEmpty()) { // the loops take connections in turn
                    EventLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
                    LoopConnection lc = new LoopConnection(this, c, loop);
                    loop.execute(lc::begin);
                } else {
                    workers.execute(c);
                }
            } catch (IOException | RuntimeException e) {
                if (c != null) c.end(); // closes it and frees its place
                else slots.release();
                closeQuietly(ch.socket());
                if (!closed) LOG.warn("could not serve a connection: {}", e.toString());
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // e.g. out of file descriptors: do not spin on the failing accept
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Handler handler() {
        return handler;
    }

    Options options() {
        return options;
    }

    boolean closed() {
        return closed;
    }

    /** Loop mode: serves one request of {@code c} on a thread; the connection then goes back to {@code home} or closes. */
    void onThread(Connection c, LoopConnection home, Step step) {
        try {
            workers.execute(() -> c.serveFor(home, step));
        } catch (RuntimeException e) { // rejected: the pool is shut down
            c.end();
        }
    }

    /** What a thread does for a connection of the event loop: serves a request; false when the connection is to close. */
    interface Step {
        boolean serve(Connection c);
    }

    /** One client connection, and (on a thread) the serving of its requests. */
    final class Connection implements Runnable, ReadWatchdog.Watched {
        final SocketChannel channel;
        private final Socket socket;
        final ClientInput in;
        private final OutputStream out;
        final String remote;

        Connection(SocketChannel ch) throws IOException {
            this.channel = ch;
            this.socket = ch.socket();
            socket.setTcpNoDelay(true);
            this.in = new ClientInput(socket.getInputStream(), BUFFER);
            this.out = socket.getOutputStream();
            this.remote = socket.getInetAddress().getHostAddress();
        }

        @Override
        public boolean overdue(long now) {
            return in.overdue(now);
        }

        @Override
        public void expire() {
            in.markExpired();
            closeQuietly(socket);
        }

        @Override
        public void run() {
            watchdog.watch(this);
            try {
                while (!closed && serveOne()) {
                    // keep-alive: the next request on this connection
                }
            } finally {
                watchdog.forget(this);
                end();
            }
        }

        /** Serves one request for the event loop, then gives the connection back to it (or closes it). */
        void serveFor(LoopConnection home, Step step) {
            watchdog.watch(this);
            boolean keep = false;
            try {
                keep = !closed && step.serve(this);
            } finally {
                watchdog.forget(this);
            }
            if (keep) home.resume();
            else end();
        }

        /** Closes the connection and frees its place; idempotent. */
        void end() {
            closeQuietly(socket);
            if (open.remove(this)) slots.release();
        }

        /** Serves the next request; false when the connection is to close. */
        boolean serveOne() {
            RequestParser.Head head;
            in.deadline(options.keepAlive().toNanos());
            try {
                head = RequestParser.read(in, BUFFER);
            } catch (RequestParser.BadRequest e) {
                refuse(e.status, e.getMessage());
                return false;
            } catch (IOException e) {
                if (!(e instanceof SocketTimeoutException) && !closed) LOG.debug("client {} dropped: {}", remote, e.toString());
                return false;
            }
            if (head == null) return false;
            in.deadline(options.readTimeout().toNanos());
            RequestBody.Continue expect = head.expectContinue() ? () -> out.write(CONTINUE) : null;
            FrontRequest request = new FrontRequest(head, new RequestBody(in, head.contentLength(), head.chunked(), expect), remote);
            return answer(request, r -> handler.handle(request, r));
        }

        /** Runs {@code work} for a request whose head has been read, and completes its response; false: close. */
        boolean answer(FrontRequest request, Exchange.Task work) {
            ResponseWriter response = new ResponseWriter(out, request, socket.getChannel());
            try {
                work.run(response);
                response.complete();
            } catch (ResponseWriter.ClientGone gone) {
                return false;
            } catch (Exception | Error e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                if (response.committed()) return false; // cut: a truncated body must not look whole
                LOG.warn("{} {} failed: {}", request.method(), request.path(), e.toString());
                answer(response, 500, "internal gateway error");
                return false;
            }
            if (response.reusable()) return true;
            if (!request.bodyConsumed()) lingerClose();
            return false;
        }

        /** Answers a request that could not be parsed; the connection then closes. */
        private void refuse(int status, String message) {
            answer(new ResponseWriter(out, true, false, () -> false, null), status, message);
            lingerClose();
        }

        private void answer(ResponseWriter response, int status, String message) {
            response.status(status);
            response.setHeader("Content-Type", "application/json");
            byte[] body = handler.errorBody(status, message);
            try {
                response.write(body, 0, body.length, true);
            } catch (ResponseWriter.ClientGone ignored) {
                // nobody to tell
            }
        }

        /**
         * Closes after an answer sent while the client may still be sending (an unread body): closing with unread
         * bytes would reset the connection and could destroy the answer before the client reads it. So the write
         * side closes first and what still arrives is read and dropped, for a bounded time.
         */
        private void lingerClose() {
            try {
                socket.shutdownOutput();
                in.deadline(Duration.ofSeconds(2).toNanos());
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                in.pos = in.end;
                while (System.nanoTime() < until && in.fill()) in.pos = in.end;
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Stops accepting and closes every connection, including those in the middle of a response. */
    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) server.close();
        } catch (IOException ignored) {
            // closed
        }
        if (acceptor != null) acceptor.interrupt();
        for (Connection c : open) closeQuietly(c.socket);
        for (EventLoop l : loops) l.close();
        watchdog.close();
        workers.shutdown();
    }
}
