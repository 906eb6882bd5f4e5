package hearth.engine.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies of weight matrices in a kernel's own layout (Q4_0's and Q8_0's interleaved rows), made lazily on the first
 * mat-mul with a tensor, one per source tensor, into memory of their own. A copy lives while its source's scope does:
 * {@link #releaseClosed} frees those whose source is closed (the engine calls it through
 * {@link Kernels#releaseClosedWeights} when it closes a model). Heap sources (tests) are copied on every call: their
 * contents may change under the same address.
 */
final class RepackCache<T> {
    /** Makes the copy of {@code w} (rows of {@code rowBytes}) in {@code arena}; null if it cannot be copied. */
    @FunctionalInterface
    interface Repacker<T> {
        T repack(MemorySegment w, long rowBytes, Arena arena);
    }

    private record Key(long address, long size, long rowBytes) {}

    private record Copy<T>(T value, Arena arena) {}

    private static final Copy<?> NONE = new Copy<>(null, null);

    /** One entry per source tensor; the copy is made by the first caller, others wait for it. */
    private final class Entry {
        final MemorySegment.Scope scope;
        private volatile Copy<?> copy;

        Entry(MemorySegment.Scope scope) {
            this.scope = scope;
        }

        @SuppressWarnings("unchecked")
        T get(MemorySegment w, long rowBytes) {
            Copy<?> c = copy;
            if (c == null) {
                synchronized (this) {
                    c = copy;
                    if (c == null) copy = c = make(w, rowBytes, Arena.ofShared());
                }
            }
            return (T) c.value();
        }
    }

    private final Repacker<T> repacker;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    RepackCache(Repacker<T> repacker) {
        this.repacker = repacker;
    }

    /** The copy of {@code w}, made on first use of a native segment and kept while its scope lives; null if none. */
    T of(MemorySegment w, long rowBytes) {
        if (!w.isNative()) return repacker.repack(w, rowBytes, Arena.ofAuto());
        Key key = new Key(w.address(), w.byteSize(), rowBytes);
        Entry e = cache.get(key);
        if (e == null || e.scope != w.scope() || !e.scope.isAlive()) {
            releaseClosed();
            Entry fresh = new Entry(w.scope());
            e = cache.compute(key, (k, old) -> old != null && old.scope == w.scope() && old.scope.isAlive() ? old : fresh);
        }
        return e.get(w, rowBytes);
    }

    /** Frees the copies whose source scope is closed and forgets them; returns how many copies remain. */
    int releaseClosed() {
        for (var it = cache.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.scope.isAlive()) continue;
            it.remove();
            synchronized (e) {
                if (e.copy != null && e.copy.arena() != null) e.copy.arena().close();
                e.copy = NONE;
            }
        }
        return cache.size();
    }

    private Copy<T> make(MemorySegment w, long rowBytes, Arena arena) {
        T value = repacker.repack(w, rowBytes, arena);
        if (value != null) return new Copy<>(value, arena);
        arena.close();
        @SuppressWarnings("unchecked")
        Copy<T> none = (Copy<T>) NONE;
        return none;
    }
}
