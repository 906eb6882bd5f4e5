package hearth.server.router;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happens to models (loading, loaded, unloaded, failed, progress while loading), for {@code GET /models/events}
 * and logs. Subscribers get their own bounded queue; one that falls 256 events behind is dropped (its stream ends)
 * rather than slowing the router. The last 64 events are kept for late subscribers.
 */
public final class RouterEvents {
    private static final int QUEUE = 256;
    private static final int HISTORY = 64;

    /**
     * @param seq   1, 2, 3, ... in publication order
     * @param type  loading, progress, loaded, unloading, unloaded, failed
     * @param data  event details (reason, bytes, elapsed_ms, message, ...)
     */
    public record Event(long seq, String type, String model, Instant at, Map<String, Object> data) {}

    /** A subscriber's stream; {@link #next} returns null on timeout, and throws once the subscriber was dropped. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile boolean dropped;

        public Event next(long timeout, TimeUnit unit) throws InterruptedException {
            if (dropped && queue.isEmpty()) throw new IllegalStateException("event stream fell behind and was dropped");
            return queue.poll(timeout, unit);
        }

        boolean offer(Event e) {
            if (!queue.offer(e)) {
                dropped = true;
                subscribers.remove(this);
                return false;
            }
            return true;
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final List<java.util.function.Consumer<Event>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Deque<Event> history = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();

    public Subscription subscribe() {
        Subscription s = new Subscription();
        subscribers.add(s);
        return s;
    }

    /** Calls {@code listener} with every event, on the publishing thread (keep it short: counters, logs). */
    public void listen(java.util.function.Consumer<Event> listener) {
        listeners.add(listener);
    }

    public void publish(String type, String model, Map<String, Object> data) {
        Event e;
        synchronized (history) {
            e = new Event(seq.incrementAndGet(), type, model, Instant.now(), Map.copyOf(data));
            history.addLast(e);
            if (history.size() > HISTORY) history.removeFirst();
        }
        for (var l : listeners) l.accept(e);
        for (Subscription s : subscribers) s.offer(e);
    }

    /** The most recent events, oldest first. */
    public List<Event> recent() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }
}
