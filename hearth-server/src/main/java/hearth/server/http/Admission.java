package hearth.server.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts requests in flight and stops admitting new ones once draining: a request that arrives while draining is
 * answered 503, the ones already admitted may finish ({@link #awaitIdle}).
 */
public final class Admission {
    private int inFlight;
    private boolean draining;

    /** A held admission; close it when the request is answered. */
    public interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    public synchronized Ticket enter() {
        if (draining) throw ApiError.unavailable("the server is shutting down", "draining", 5);
        inFlight++;
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) exit();
        };
    }

    private synchronized void exit() {
        inFlight--;
        if (inFlight == 0) notifyAll();
    }

    public synchronized void startDraining() {
        draining = true;
    }

    public synchronized boolean draining() {
        return draining;
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /** Waits until no request is in flight or {@code timeout} passes; true when idle. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
