package hearth.gateway.proxy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The headers and idle timeouts of upstream connections, kept by one watchdog thread instead of socket timeouts. A
 * timed socket read on a virtual thread schedules and cancels a timer task for every park, i.e. for every SSE event;
 * untimed reads park on the poller alone. The watchdog looks every {@code tick} (a tenth of the finest timeout,
 * 5 ms to 1 s) and closes a connection whose read has waited past its deadline; the reader then reports a
 * {@link java.net.SocketTimeoutException}, as a socket timeout would have.
 */
final class ReadDeadlines implements AutoCloseable {
    private final Set<Http1Client.Conn> watched = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code finest}: the shortest timeout that will be asked for; it sets how often the watchdog looks. */
    ReadDeadlines(Duration finest) {
        long f = finest.isZero() || finest.isNegative() ? Duration.ofSeconds(10).toNanos() : finest.toNanos();
        this.tickNanos = Math.clamp(f / 10, Duration.ofMillis(5).toNanos(), Duration.ofSeconds(1).toNanos());
        this.thread = Thread.ofPlatform().daemon().name("upstream-read-deadlines").start(this::run);
    }

    void watch(Http1Client.Conn c) {
        watched.add(c);
    }

    void forget(Http1Client.Conn c) {
        watched.remove(c);
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(tickNanos));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Http1Client.Conn c : watched) if (c.overdue(now)) c.expire();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
