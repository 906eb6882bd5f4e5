package hearth.gateway.proxy;

import hearth.gateway.front.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event loop's connections to plain-HTTP upstreams, kept alive in a pool per address as {@link Http1Client}
 * keeps the threads' (the two pools are apart: a channel registered with the loop cannot block). An idle pooled
 * connection stays registered for reading, so an upstream that closes it is noticed and it is dropped. Connecting
 * does not block the loop: a host name is resolved on a virtual thread first. Used on the loop's thread only.
 */
final class LoopUpstreams {
    private static final int MAX_IDLE_PER_ADDRESS = 256;
    private static final long MAX_IDLE_NANOS = Duration.ofSeconds(20).toNanos();
    private static final int BUFFER = 16 * 1024;

    private final EventLoop loop;
    private final Duration connectTimeout;
    private final Map<String, ArrayDeque<Conn>> idle = new HashMap<>();
    private final Set<LoopAttempt> attempts = new LinkedHashSet<>();
    private final byte[] scratch = new byte[BUFFER];

    /** On the loop's thread: it also keeps the deadlines of the attempts that use these connections. */
    LoopUpstreams(EventLoop loop, Duration connectTimeout) {
        this.loop = loop;
        this.connectTimeout = connectTimeout;
        loop.everyTick(() -> {
            long now = System.nanoTime();
            for (LoopAttempt a : List.copyOf(attempts)) a.sweep(now);
        });
    }

    /** A buffer for the loop's steps to decode into; nothing may keep it past a step. */
    byte[] scratch() {
        return scratch;
    }

    /** An attempt in progress, whose deadline the loop looks at every tick. */
    void watch(LoopAttempt a) {
        attempts.add(a);
    }

    void forget(LoopAttempt a) {
        attempts.remove(a);
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /** What a connection's readiness goes to while a request uses it. */
    interface User {
        void ready(Conn c, SelectionKey key);

        /** Connecting failed: the address did not resolve, or the channel could not be opened or registered. */
        void connectFailed(Conn c, IOException e);

        /** The loop is shutting down. */
        void shutDown();

        /** What the connection awaits now leads to a response's first byte. */
        boolean urgent();
    }

    /** One upstream connection on the loop. */
    final class Conn implements EventLoop.Handler {
        final String key;
        SocketChannel channel;
        SelectionKey selection;
        User user;
        long idleSince;
        boolean reused; // it served a request before: the upstream may have closed it meanwhile
        private final ByteBuffer in = ByteBuffer.allocate(BUFFER);

        private Conn(String key) {
            this.key = key;
        }

        @Override
        public void ready(SelectionKey k) {
            if (user != null) user.ready(this, k);
            else close(); // idle: the upstream closed it (or sent what nobody asked for)
        }

        @Override
        public boolean urgent() {
            return user != null && user.urgent();
        }

        @Override
        public void shutDown() {
            if (user != null) user.shutDown();
        }

        /** What arrives on the connection, kept for the request using it; empty when it is handed out. */
        ByteBuffer buffer() {
            return in;
        }

        void interest(int ops) {
            if (selection != null && selection.isValid()) selection.interestOps(ops);
        }

        /** Back to the pool, for the next request to the same address; the caller read its response to the end. */
        void release() {
            user = null;
            var q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (q.size() >= MAX_IDLE_PER_ADDRESS || selection == null || !selection.isValid()) {
                close();
                return;
            }
            idleSince = System.nanoTime();
            reused = true;
            interest(SelectionKey.OP_READ);
            q.addFirst(this);
        }

        void close() {
            user = null;
            var q = idle.get(key);
            if (q != null) q.remove(this);
            if (selection != null) selection.cancel();
            try {
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    /** A pooled connection to {@code base}'s address for {@code user}, or null when none is idle. */
    Conn pooled(URI base, User user) {
        var q = idle.get(Http1Client.poolKey(base));
        if (q == null) return null;
        for (Conn c; (c = q.pollFirst()) != null; ) {
            if (System.nanoTime() - c.idleSince < MAX_IDLE_NANOS && c.selection.isValid() && c.channel.isOpen()) {
                c.user = user;
                c.interest(0);
                c.in.clear();
                return c;
            }
            c.close();
        }
        return null;
    }

    /**
     * Starts a new connection to {@code base} for {@code user}: later, on the loop, its key becomes connectable (the
     * user then calls {@code finishConnect}) or {@link User#connectFailed} is called. The caller keeps the connect
     * timeout.
     */
    Conn connect(URI base, User user) {
        Conn c = new Conn(Http1Client.poolKey(base));
        c.user = user;
        String host = base.getHost();
        int port = Http1Client.port(base);
        if (literal(host)) {
            InetSocketAddress address = new InetSocketAddress(host, port); // an address literal: nothing to look up
            loop.execute(() -> open(c, address)); // after the caller has the connection in hand
        } else {
            Thread.ofVirtual().name("resolve-" + host).start(() -> {
                try {
                    InetAddress a = InetAddress.getByName(host);
                    loop.execute(() -> open(c, new InetSocketAddress(a, port)));
                } catch (IOException e) {
                    loop.execute(() -> {
                        if (c.user != null) c.user.connectFailed(c, e);
                    });
                }
            });
        }
        return c;
    }

    private void open(Conn c, InetSocketAddress address) {
        if (c.user == null) return; // given up meanwhile (timed out)
        try {
            SocketChannel ch = SocketChannel.open();
            c.channel = ch;
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.selection = loop.register(ch, 0, c);
            if (ch.connect(address)) c.user.ready(c, c.selection);
            else c.interest(SelectionKey.OP_CONNECT);
        } catch (IOException | RuntimeException e) {
            User u = c.user;
            c.close();
            u.connectFailed(c, e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static boolean literal(String host) {
        if (host.indexOf(':') >= 0) return true; // IPv6 (URI hosts in brackets are passed without them here)
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            if ((ch < '0' || ch > '9') && ch != '.') return false;
        }
        return !host.isEmpty();
    }

    /** Closes the idle connections (on the loop). */
    void close() {
        loop.execute(() -> {
            for (var q : idle.values()) for (Conn c : List.copyOf(q)) c.close();
            idle.clear();
        });
    }
}
