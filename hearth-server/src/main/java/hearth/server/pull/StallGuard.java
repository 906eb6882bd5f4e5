package hearth.server.pull;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drops connections that stop delivering bytes: the JDK client has no read timeout for a streamed body, and a
 * CDN connection can hang forever. One virtual thread wakes every quarter of the timeout while transfers are open.
 */
final class StallGuard implements AutoCloseable {
    final class Watch implements AutoCloseable {
        private final Closeable stream;
        private volatile long lastNanos = System.nanoTime();
        private volatile boolean stalled;

        private Watch(Closeable stream) {
            this.stream = stream;
        }

        void touch() {
            lastNanos = System.nanoTime();
        }

        boolean stalled() {
            return stalled;
        }

        @Override
        public void close() {
            active.remove(this);
        }
    }

    private final long timeoutNanos;
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    StallGuard(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        long tick = Math.max(10, timeout.toMillis() / 4);
        this.thread = Thread.ofVirtual().name("hearth-pull-stall-guard").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                for (Watch w : active) {
                    if (now - w.lastNanos > timeoutNanos) {
                        w.stalled = true;
                        active.remove(w);
                        try {
                            w.stream.close();  // the blocked read fails with an IOException and the range is retried
                        } catch (IOException ignored) {
                            // closing a dead connection may fail; the reader fails either way
                        }
                    }
                }
            }
        });
    }

    Watch watch(Closeable stream) {
        Watch w = new Watch(stream);
        active.add(w);
        return w;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
