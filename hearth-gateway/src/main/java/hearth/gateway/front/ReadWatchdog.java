package hearth.gateway.front;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read timeouts for blocking sockets, kept by one watchdog thread instead of socket timeouts. A timed read makes a
 * socket channel non-blocking for good (every later read is then read, EAGAIN, poll, read) and, on a virtual thread,
 * schedules and cancels a timer task for every park, i.e. for every SSE event; untimed reads are one read(2). The
 * watchdog looks every {@code tick} (a tenth of the finest timeout, 5 ms to 1 s) and expires a connection whose read
 * has waited past its deadline; closing its socket wakes the reader, which then reports a timeout.
 */
public final class ReadWatchdog implements AutoCloseable {
    /** A connection whose reads the watchdog times. */
    public interface Watched {
        /** A read is waiting and its deadline ({@link System#nanoTime()}) is before {@code now}. */
        boolean overdue(long now);

        /** Closes the socket so that the waiting read ends. */
        void expire();
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code finest}: the shortest timeout that will be asked for; it sets how often the watchdog looks. */
    public ReadWatchdog(Duration finest, String name) {
        long f = finest.isZero() || finest.isNegative() ? Duration.ofSeconds(10).toNanos() : finest.toNanos();
        this.tickNanos = Math.clamp(f / 10, Duration.ofMillis(5).toNanos(), Duration.ofSeconds(1).toNanos());
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    public void watch(Watched c) {
        watched.add(c);
    }

    public void forget(Watched c) {
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
            for (Watched c : watched) if (c.overdue(now)) c.expire();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
