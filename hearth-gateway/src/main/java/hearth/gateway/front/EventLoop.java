package hearth.gateway.front;

import hearth.gateway.ShortSlice;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread that serves many non-blocking channels, as an nginx worker does: client connections between
 * and during their requests, and the proxy's upstream connections. Under load it takes whatever is ready across all
 * of them per wake-up, where a thread per connection is woken for every request and every response. Everything
 * registered here runs on this thread and must not block; {@link #execute} brings work onto it from elsewhere.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    /** What a channel's key is attached to: told when the channel is ready, on the loop's thread. */
    public interface Handler {
        void ready(SelectionKey key);

        /**
         * Served before the others that are ready at the same time: a request on its way to its first byte waits
         * for no stream's next event.
         */
        default boolean urgent() {
            return false;
        }

        /** The loop is shutting down; the channel is closed after this. */
        default void shutDown() {}
    }

    private final Selector selector;
    private final Thread thread;
    private final long tickNanos;
    private final boolean shortSlice;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Runnable> sweepers = new ArrayList<>();
    private final List<Runnable> afterDeregistration = new ArrayList<>();
    private volatile boolean closed;

    /**
     * {@code tick}: how often the sweepers run (timeouts are kept to about this precision); {@code shortSlice}: the
     * thread asks for a short scheduler slice ({@link ShortSlice}).
     */
    public EventLoop(String name, Duration tick, boolean shortSlice) throws IOException {
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), tick.toNanos());
        this.shortSlice = shortSlice;
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** How often to look at deadlines for timeouts no shorter than {@code finest}: a tenth of it, within 5 ms and 1 s. */
    public static Duration tick(Duration finest) {
        long f = finest.isZero() || finest.isNegative() ? Duration.ofSeconds(10).toNanos() : finest.toNanos();
        return Duration.ofNanos(Math.clamp(f / 10, Duration.ofMillis(5).toNanos(), Duration.ofSeconds(1).toNanos()));
    }

    /**
     * Runs {@code task} on the loop's thread, soon (after what is running now). A loop that has stopped drops it: see
     * {@link #running}.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) selector.wakeup();
    }

    /** False once the loop's thread has ended (closed, or killed by an Error): tasks given to it are dropped. */
    public boolean running() {
        return thread.isAlive();
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Puts {@code ch} in non-blocking mode and registers it; on the loop's thread only. */
    public SelectionKey register(SelectableChannel ch, int ops, Handler handler) throws IOException {
        assert inLoop();
        ch.configureBlocking(false);
        return ch.register(selector, ops, handler);
    }

    /** Adds work run every tick on the loop's thread (deadlines); on the loop's thread only. */
    public void everyTick(Runnable sweeper) {
        assert inLoop();
        sweepers.add(sweeper);
    }

    /**
     * Cancels {@code key} and, once the selector has let go of its channel, puts the channel back in blocking mode
     * and runs {@code then} on the loop's thread (with false when the mode could not be changed: the channel has
     * closed meanwhile). On the loop's thread only.
     */
    public void deregister(SelectionKey key, java.util.function.Consumer<Boolean> then) {
        assert inLoop();
        key.cancel();
        SelectableChannel ch = key.channel();
        afterDeregistration.add(() -> {
            boolean ok;
            try {
                ch.configureBlocking(true);
                ok = true;
            } catch (IOException | RuntimeException e) {
                ok = false;
            }
            then.accept(ok);
        });
    }

    private void run() {
        if (shortSlice) ShortSlice.request();
        long lastSweep = System.nanoTime();
        try {
            while (!closed) {
                try {
                    selector.select(collect, Math.max(1, TimeUnit.NANOSECONDS.toMillis(tickNanos)));
                } catch (IOException e) {
                    LOG.warn("event loop selector failed: {}", e.toString());
                }
                runTasks();
                handleSelected();
                long now = System.nanoTime();
                if (now - lastSweep >= tickNanos) {
                    lastSweep = now;
                    for (Runnable s : List.copyOf(sweepers)) guarded(s);
                }
                while (!afterDeregistration.isEmpty()) {
                    try {
                        selector.selectNow(collect); // drops the cancelled keys; what it selects is handled right after
                    } catch (IOException e) {
                        LOG.warn("event loop selector failed: {}", e.toString());
                    }
                    List<Runnable> due = List.copyOf(afterDeregistration);
                    afterDeregistration.clear();
                    for (Runnable r : due) guarded(r);
                    handleSelected();
                    runTasks();
                }
            }
        } finally {
            shutDownChannels();
        }
    }

    private void runTasks() {
        for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) guarded(t);
    }

    /**
     * The keys the last select found ready, in its order: filled through {@link #collect} and emptied by
     * {@link #handleSelected}. The selector's own selected-key set (a hash set: a node per ready key per select, and
     * iterators per pass) is not used.
     */
    private final ArrayList<SelectionKey> selected = new ArrayList<>();
    private final Consumer<SelectionKey> collect = selected::add;

    private void handleSelected() {
        int n = selected.size();
        if (n > 1) { // the urgent first, then the rest
            for (int i = 0; i < n; i++) {
                SelectionKey k = selected.get(i);
                if (k.isValid() && k.attachment() instanceof Handler h && h.urgent()) {
                    selected.set(i, null);
                    ready(h, k);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            SelectionKey k = selected.get(i);
            if (k != null && k.isValid()) ready((Handler) k.attachment(), k);
        }
        selected.clear();
    }

    /** As {@link #guarded}, without a lambda per event. */
    private static void ready(Handler h, SelectionKey k) {
        try {
            h.ready(k);
        } catch (RuntimeException e) {
            LOG.warn("event loop step failed", e);
        }
    }

    /** A bug in one connection's step is logged; the loop and the other connections go on. */
    private static void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("event loop step failed", e);
        }
    }

    private void shutDownChannels() {
        for (SelectionKey k : List.copyOf(selector.keys())) {
            if (k.attachment() instanceof Handler h) guarded(h::shutDown);
            try {
                k.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) {
            // work queued for a loop that has gone is dropped; its connections were closed above
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Stops the loop; every channel still registered is closed. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }
}
