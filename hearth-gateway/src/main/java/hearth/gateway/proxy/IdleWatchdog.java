package hearth.gateway.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes upstream bodies that have been silent longer than the idle timeout, which makes the blocked read fail.
 * One sweeper thread serves all streams; a stream only updates a timestamp per chunk.
 */
final class IdleWatchdog implements AutoCloseable {
    private final long idleNanos;
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    /** One watched body. */
    static final class Watch implements AutoCloseable {
        private final Closeable body;
        private final Set<Watch> owner;
        private volatile long lastActivity = System.nanoTime();
        private volatile boolean timedOut;

        private Watch(Closeable body, Set<Watch> owner) {
            this.body = body;
            this.owner = owner;
        }

        void touch() {
            lastActivity = System.nanoTime();
        }

        boolean timedOut() {
            return timedOut;
        }

        private void expire() {
            timedOut = true;
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is all we can do; the reader sees the failure
            }
        }

        @Override
        public void close() {
            owner.remove(this);
        }
    }

    IdleWatchdog(Duration idle) {
        this.idleNanos = idle.toNanos();
        long period = Math.max(10, Math.min(1000, idle.toMillis() / 4));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("idle-watchdog").unstarted(r));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    Watch watch(Closeable body) {
        Watch w = new Watch(body, active);
        active.add(w);
        return w;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch w : active) {
            if (now - w.lastActivity > idleNanos) {
                active.remove(w);
                w.expire();
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
