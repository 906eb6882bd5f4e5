package hearth.server.router;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router mode: many models from one catalog, loaded on demand, at most {@link RouterLimits} of them at once.
 * A request takes a {@link Lease} on its model ({@link #acquire}); a model that is not loaded starts loading in the
 * background while the other models keep serving, and the request waits (bounded) for it. Before a load, idle models
 * are unloaded by {@link Eviction}; a model with a lease (a request in flight or waiting) is never unloaded. Idle
 * models are also unloaded after their TTL; pinned ones load at start and stay.
 *
 * <p>{@code B} is what a loaded model serves through (the server's backend); the router only opens and closes it.
 * One lock guards all model states; loading, closing and estimating run outside it.
 */
public final class ModelRouter<B extends AutoCloseable> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRouter.class);
    /** A failed load is not retried for this long; requests meanwhile get its error at once. */
    private static final Duration FAILED_RETRY = Duration.ofSeconds(10);
    /** A request for an unknown name rescans the directory at most this often (picks up newly pulled models). */
    private static final Duration RESCAN_EVERY = Duration.ofSeconds(2);

    public enum State {
        UNLOADED, LOADING, LOADED, FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Opens a model (e.g. starts an engine on it). */
    @FunctionalInterface
    public interface Loader<B> {
        B load(CatalogEntry entry) throws Exception;
    }

    /** Estimates what a model will take when loaded. */
    @FunctionalInterface
    public interface Estimator {
        MemoryEstimate estimate(CatalogEntry entry) throws IOException;
    }

    /** A request's hold on a loaded model: while any is open, the model stays loaded. Close exactly once. */
    public final class Lease implements AutoCloseable {
        private final Slot slot;
        private final B backend;
        private boolean closed;

        private Lease(Slot slot, B backend) {
            this.slot = slot;
            this.backend = backend;
        }

        public B backend() {
            return backend;
        }

        public CatalogEntry entry() {
            return slot.entry;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) return;
                closed = true;
                slot.inFlight--;
                slot.touch();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The router's view of one catalog entry. Guarded by {@link #lock}. */
    private final class Slot {
        CatalogEntry entry;
        State state = State.UNLOADED;
        B backend;
        CompletableFuture<B> loading;
        MemoryEstimate estimate;
        int inFlight;      // open leases
        int waiting;       // requests waiting for the load
        long lastUsedNanos = System.nanoTime();
        Instant lastUsed;
        Instant loadedAt;
        Long loadMillis;
        String failure;
        long failedNanos;
        boolean removed;   // gone from the directory; dropped once unloaded
        boolean reserved;  // loading with its room granted: counts against the limits
        boolean closing;   // unloaded, its backend still being closed: a new load waits for that

        Slot(CatalogEntry entry) {
            this.entry = entry;
        }

        boolean busy() {
            return inFlight > 0 || waiting > 0;
        }

        void touch() {
            lastUsedNanos = System.nanoTime();
            lastUsed = Instant.now();
        }

        Duration ttl() {
            return entry.preset().idleTtl().orElse(limits.idleTtl());
        }

        long bytes() {
            return estimate == null ? 0 : estimate.total();
        }
    }

    private final Supplier<ModelCatalog> scanner;
    private final Loader<B> loader;
    private final Estimator estimator;
    private final RouterLimits limits;
    private final RouterEvents events = new RouterEvents();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Thread reaper;
    private volatile ModelCatalog catalog;
    private volatile long lastScanNanos;
    private boolean closed;

    /**
     * @param scanner   reads the models directory (called at start and when a request names an unknown model)
     * @param loader    opens a model
     * @param estimator estimates a model's memory (normally {@link MemoryEstimate#of} with the model's settings)
     */
    public ModelRouter(Supplier<ModelCatalog> scanner, Loader<B> loader, Estimator estimator, RouterLimits limits) {
        this.scanner = scanner;
        this.loader = loader;
        this.estimator = estimator;
        this.limits = limits;
        rescan();
        this.reaper = Thread.ofVirtual().name("hearth-router-idle").start(this::reapIdle);
    }

    public RouterLimits limits() {
        return limits;
    }

    public RouterEvents events() {
        return events;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /** Starts loading every pinned model. */
    public void loadPinned() {
        for (CatalogEntry e : catalog.entries()) {
            if (e.preset().pinned()) load(e.id());
        }
    }

    /**
     * A lease on the model {@code name}, loading it first if needed; waits at most {@link RouterLimits#loadWait}.
     *
     * @throws RouterException NOT_FOUND, LOADING (still loading: retry later), LOAD_FAILED or CLOSED
     */
    public Lease acquire(String name) {
        Slot slot = slotFor(name);
        ensureEstimate(slot);
        CompletableFuture<B> future;
        lock.lock();
        try {
            if (closed) throw new RouterException(RouterException.Kind.CLOSED, "the server is shutting down", 5);
            if (slot.state == State.LOADED) {
                slot.inFlight++;
                slot.touch();
                return new Lease(slot, slot.backend);
            }
            startLoadIfNeeded(slot);
            // no wait allowed: the model was not loaded when the request came, whether or not a small one finishes
            // loading a moment later (future.get with a zero timeout would race with it)
            if (limits.loadWait().isZero()) {
                throw stillLoading(slot);
            }
            slot.waiting++;
            future = slot.loading;
        } finally {
            lock.unlock();
        }
        boolean leased = false;
        try {
            future.get(limits.loadWait().toMillis(), TimeUnit.MILLISECONDS);
            lock.lock();
            try {
                if (slot.state != State.LOADED) throw new RouterException(RouterException.Kind.LOADING, "model '" + slot.entry.id() + "' is loading", 2);
                slot.inFlight++;
                slot.touch();
                leased = true;
                return new Lease(slot, slot.backend);
            } finally {
                lock.unlock();
            }
        } catch (TimeoutException e) {
            throw stillLoading(slot);
        } catch (ExecutionException e) {
            throw new RouterException(RouterException.Kind.LOAD_FAILED, "model '" + slot.entry.id() + "' failed to load: " + message(e.getCause()), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RouterException(RouterException.Kind.CLOSED, "interrupted while waiting for model '" + slot.entry.id() + "'", 1);
        } finally {
            lock.lock();
            try {
                slot.waiting--;
                if (!leased) changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private RouterException stillLoading(Slot slot) {
        return new RouterException(RouterException.Kind.LOADING, "model '" + slot.entry.id() + "' is still loading; retry shortly", 5);
    }

    /** Starts loading {@code name} (no lease, no waiting); returns its state now. */
    public State load(String name) {
        Slot slot = slotFor(name);
        ensureEstimate(slot);
        lock.lock();
        try {
            if (closed) throw new RouterException(RouterException.Kind.CLOSED, "the server is shutting down", 5);
            if (slot.state != State.LOADED) startLoadIfNeeded(slot);
            return slot.state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unloads {@code name} now. Refused (BUSY) while it has requests in flight or is loading.
     *
     * @return false when it was not loaded
     */
    public boolean unload(String name) {
        Slot slot = slotFor(name);
        B b;
        lock.lock();
        try {
            if (slot.state == State.LOADING) throw new RouterException(RouterException.Kind.BUSY, "model '" + slot.entry.id() + "' is loading", 2);
            if (slot.state != State.LOADED) return false;
            if (slot.busy()) {
                throw new RouterException(RouterException.Kind.BUSY, "model '" + slot.entry.id() + "' has " + (slot.inFlight + slot.waiting)
                        + " request(s) in flight", 2);
            }
            b = takeForUnload(slot, "admin");
        } finally {
            lock.unlock();
        }
        closeUnloaded(slot, b, "admin");
        return true;
    }

    /** Every model of the catalog with its state, by id. */
    public List<ModelStatus> statuses() {
        lock.lock();
        try {
            List<ModelStatus> out = new ArrayList<>();
            for (Slot s : slots.values()) {
                MemoryEstimate m = s.estimate;
                out.add(new ModelStatus(s.entry.id(), s.entry.names(), s.state, m == null ? 0 : m.total(), m == null ? s.entry.bytes() : m.weightBytes(),
                        m == null ? 0 : m.kvBytes(), s.inFlight + s.waiting, Optional.ofNullable(s.lastUsed), Optional.ofNullable(s.loadedAt),
                        Optional.ofNullable(s.loadMillis), Optional.ofNullable(s.failure), s.entry.preset().pinned(), s.ttl(), s.entry.relative()));
            }
            out.sort(java.util.Comparator.comparing(ModelStatus::id));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Estimated bytes held by loaded and loading models. */
    public long memoryInUse() {
        lock.lock();
        try {
            return slots.values().stream().filter(s -> s.state == State.LOADED || s.state == State.LOADING && s.reserved).mapToLong(Slot::bytes).sum();
        } finally {
            lock.unlock();
        }
    }

    /** The loaded backends with their ids (for metrics and health); a snapshot. */
    public Map<String, B> loaded() {
        lock.lock();
        try {
            Map<String, B> out = new LinkedHashMap<>();
            for (Slot s : slots.values()) if (s.state == State.LOADED) out.put(s.entry.id(), s.backend);
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Reads the directory again: new models appear, vanished ones go once they are not loaded. */
    public void rescan() {
        ModelCatalog c = scanner.get();
        lock.lock();
        try {
            catalog = c;
            lastScanNanos = System.nanoTime();
            for (Slot s : slots.values()) s.removed = true;
            for (CatalogEntry e : c.entries()) {
                Slot s = slots.get(e.id());
                if (s == null) {
                    slots.put(e.id(), new Slot(e));
                } else {
                    s.removed = false;
                    if (!e.file().equals(s.entry.file()) || e.bytes() != s.entry.bytes()) s.estimate = null;
                    s.entry = e;
                }
            }
            slots.values().removeIf(s -> s.removed && s.state == State.UNLOADED || s.removed && s.state == State.FAILED);
        } finally {
            lock.unlock();
        }
        // Header reads only (the file is mapped, not read): cheap, and GET /models can show every model's cost.
        List<Slot> all;
        lock.lock();
        try {
            all = new ArrayList<>(slots.values());
        } finally {
            lock.unlock();
        }
        all.forEach(this::ensureEstimate);
    }

    private Slot slotFor(String name) {
        Optional<CatalogEntry> e = catalog.find(name);
        if (e.isEmpty() && System.nanoTime() - lastScanNanos > RESCAN_EVERY.toNanos()) {
            rescan();
            e = catalog.find(name);
        }
        CatalogEntry entry = e.orElseThrow(() -> new RouterException(RouterException.Kind.NOT_FOUND, "the model '" + name + "' does not exist", 0));
        lock.lock();
        try {
            Slot s = slots.get(entry.id());
            if (s == null) throw new RouterException(RouterException.Kind.NOT_FOUND, "the model '" + name + "' does not exist", 0);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Reads the model's shape once (outside the lock: it opens the file). */
    private void ensureEstimate(Slot slot) {
        if (slot.estimate != null) return;
        MemoryEstimate m;
        try {
            m = estimator.estimate(slot.entry);
        } catch (IOException | RuntimeException e) {
            // An unreadable header fails the load with the same error; count the file size meanwhile.
            m = new MemoryEstimate(slot.entry.bytes(), 0);
        }
        lock.lock();
        try {
            if (slot.estimate == null) slot.estimate = m;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void startLoadIfNeeded(Slot slot) {
        if (slot.state == State.LOADING) return;
        if (slot.state == State.FAILED && System.nanoTime() - slot.failedNanos < FAILED_RETRY.toNanos()) {
            throw new RouterException(RouterException.Kind.LOAD_FAILED, "model '" + slot.entry.id() + "' failed to load: " + slot.failure,
                    (int) FAILED_RETRY.toSeconds());
        }
        slot.state = State.LOADING;
        slot.failure = null;
        slot.loading = new CompletableFuture<>();
        CompletableFuture<B> future = slot.loading;
        Thread.ofVirtual().name("hearth-router-load-" + slot.entry.id()).start(() -> loadInBackground(slot, future));
    }

    private void loadInBackground(Slot slot, CompletableFuture<B> future) {
        long started = System.nanoTime();
        Thread progress = null;
        try {
            // Events in order: a reload waits until the previous instance is closed and reported unloaded.
            lock.lock();
            try {
                while (slot.closing) changed.await();
                events.publish("loading", slot.entry.id(), Map.of("bytes", slot.bytes()));
            } finally {
                lock.unlock();
            }
            progress = Thread.ofVirtual().start(() -> reportProgress(slot, future, started));
            makeRoom(slot);
            B b = loader.load(slot.entry);
            long millis = (System.nanoTime() - started) / 1_000_000;
            lock.lock();
            try {
                if (closed) {
                    closeQuietly(b);
                    throw new IllegalStateException("the server is shutting down");
                }
                slot.backend = b;
                slot.state = State.LOADED;
                slot.reserved = false;
                slot.loadedAt = Instant.now();
                slot.loadMillis = millis;
                slot.touch();
                events.publish("loaded", slot.entry.id(), Map.of("load_ms", millis, "bytes", slot.bytes()));
                future.complete(b);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.info("model '{}' loaded in {} ms ({} estimated)", slot.entry.id(), millis, Units.human(slot.bytes()));
        } catch (Throwable t) {
            String msg = message(t);
            lock.lock();
            try {
                slot.state = closed ? State.UNLOADED : State.FAILED;
                slot.reserved = false;
                slot.failure = msg;
                slot.failedNanos = System.nanoTime();
                events.publish("failed", slot.entry.id(), Map.of("message", msg));
                future.completeExceptionally(t);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.warn("model '{}' failed to load: {}", slot.entry.id(), msg);
        } finally {
            if (progress != null) progress.interrupt();
        }
    }

    /** Unloads what {@link Eviction} picks, waiting (bounded) while busy models hold the room. */
    private void makeRoom(Slot slot) throws InterruptedException {
        long deadline = System.nanoTime() + limits.roomWait().toNanos();
        while (true) {
            Map<Slot, B> evicted = new LinkedHashMap<>();
            lock.lock();
            try {
                List<Eviction.Resident> resident = new ArrayList<>();
                for (Slot s : slots.values()) {
                    // A load still waiting for room holds none: two such loads must not wait for each other.
                    if (s == slot || !(s.state == State.LOADED || s.state == State.LOADING && s.reserved)) continue;
                    resident.add(new Eviction.Resident(s.entry.id(), s.bytes(), s.lastUsedNanos, s.busy(), s.state == State.LOADING, s.entry.preset().pinned()));
                }
                switch (Eviction.plan(resident, slot.bytes(), limits.memoryBytes(), limits.maxModels())) {
                    case Eviction.Evict ev -> {
                        slot.reserved = true;
                        for (String id : ev.ids()) {
                            Slot s = slots.get(id);
                            evicted.put(s, takeForUnload(s, "lru"));
                        }
                    }
                    case Eviction.Wait w -> {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) throw new IllegalStateException("no room for it within " + limits.roomWait().toSeconds() + " s: " + w.why());
                        changed.awaitNanos(left);
                        continue;
                    }
                    case Eviction.Never n -> throw new IllegalStateException("it cannot fit: " + n.why());
                }
            } finally {
                lock.unlock();
            }
            // Closed before the new model loads, so that both never hold memory at once.
            evicted.forEach((s, b) -> closeUnloaded(s, b, "lru"));
            return;
        }
    }

    /** Lock held: marks {@code s} unloaded and returns its backend for closing outside the lock. */
    private B takeForUnload(Slot s, String reason) {
        B b = s.backend;
        s.backend = null;
        s.state = State.UNLOADED;
        s.loadedAt = null;
        s.closing = true;
        events.publish("unloading", s.entry.id(), Map.of("reason", reason));
        return b;
    }

    private void closeUnloaded(Slot s, B b, String reason) {
        closeQuietly(b);
        LOG.info("model '{}' unloaded ({})", s.entry.id(), reason);
        lock.lock();
        try {
            events.publish("unloaded", s.entry.id(), Map.of("reason", reason));
            s.closing = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void reportProgress(Slot slot, CompletableFuture<B> future, long started) {
        try {
            while (!future.isDone()) {
                Thread.sleep(1000);
                if (!future.isDone()) events.publish("progress", slot.entry.id(), Map.of("elapsed_ms", (System.nanoTime() - started) / 1_000_000));
            }
        } catch (InterruptedException ignored) {
            // the load ended
        }
    }

    /** Unloads models idle past their TTL; sleeps in between (never spins). */
    private void reapIdle() {
        while (true) {
            long sleepMillis = 1000;
            Map<Slot, B> expired = new LinkedHashMap<>();
            lock.lock();
            try {
                if (closed) return;
                long now = System.nanoTime();
                for (Slot s : slots.values()) {
                    Duration ttl = s.ttl();
                    if (ttl.isZero() || s.entry.preset().pinned()) continue;
                    sleepMillis = Math.max(10, Math.min(sleepMillis, ttl.toMillis() / 4));
                    if (s.state == State.LOADED && !s.busy() && now - s.lastUsedNanos >= ttl.toNanos()) expired.put(s, takeForUnload(s, "idle"));
                }
            } finally {
                lock.unlock();
            }
            expired.forEach((s, b) -> closeUnloaded(s, b, "idle"));
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing a model failed: {}", e.toString());
        }
    }

    private static String message(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /**
     * Unloads everything at once (server shutdown: the server drains requests first; what still runs ends cancelled),
     * and ends the event streams with a {@code shutdown} event.
     */
    @Override
    public void close() {
        List<B> open = new ArrayList<>();
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            for (Slot s : slots.values()) {
                if (s.backend != null) open.add(s.backend);
                s.backend = null;
                if (s.state == State.LOADED) s.state = State.UNLOADED;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        reaper.interrupt();
        open.forEach(ModelRouter::closeQuietly);
        events.publish("shutdown", "", Map.of());
    }
}
