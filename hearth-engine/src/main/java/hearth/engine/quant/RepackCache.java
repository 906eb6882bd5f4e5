package hearth.engine.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies of weight matrices in a kernel's own layout ({@link Q4_0Repacked}, {@link Q5_0Repacked}), made lazily on the
 * first mat-mul with a tensor into memory of their own, one per source tensor, and freed by {@link #releaseClosed}
 * once the source's scope is closed (the engine calls it through {@link Kernels#releaseClosedWeights} when it closes
 * a model). The first caller makes the copy; others wait for it. Heap segments (tests) are copied on every call:
 * their contents may change under the same address.
 */
final class RepackCache<T> {
    /** Makes the copy of {@code w} (rows of {@code rowBytes}) in {@code arena}; null if it cannot be copied. */
    @FunctionalInterface
    interface Repacker<T> {
        T repack(MemorySegment w, long rowBytes, Arena arena);
    }

    private record Key(long address, long size, long rowBytes) {}

    private static final Object NONE = new Object();

    private final class Entry {
        final MemorySegment.Scope scope;
        private volatile Object value; // T, or NONE
        private Arena arena;

        Entry(MemorySegment.Scope scope) {
            this.scope = scope;
        }

        @SuppressWarnings("unchecked")
        T get(MemorySegment w, long rowBytes) {
            Object v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        Arena a = Arena.ofShared();
                        T copy = repacker.repack(w, rowBytes, a);
                        if (copy == null) a.close();
                        else arena = a;
                        value = v = copy == null ? NONE : copy;
                    }
                }
            }
            return v == NONE ? null : (T) v;
        }

        synchronized void release() {
            if (arena != null) arena.close();
            arena = null;
            value = NONE;
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

    /**
     * Frees the copies whose source scope is closed (their model is gone, so no mat-mul can still read them) and
     * forgets them; returns how many copies remain.
     */
    int releaseClosed() {
        for (var it = cache.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.scope.isAlive()) continue;
            it.remove();
            e.release();
        }
        return cache.size();
    }

    /**
     * How many rows of {@code w} (rows of {@code rowBytes}) a copy in groups of 8 rows holds: its whole groups, or 0 (no
     * copy) when a block scale among them, the fp16 at the start of every {@code blockBytes}-byte block, is infinite or
     * NaN.
     */
    static int wholeGroupRows(MemorySegment w, long rowBytes, long blockBytes) {
        int rows = (int) (w.byteSize() / rowBytes) / 8 * 8;
        for (long o = 0; o < rows * rowBytes; o += blockBytes) {
            if ((w.get(Simd.U16, o) & 0x7c00) == 0x7c00) return 0;
        }
        return rows;
    }

    /**
     * Hands back the file pages of a memory-mapped source as they are copied ({@link MemorySegment#unload}, madvise
     * DONTNEED), a MiB at a time: clean file pages, read again from the page cache if another path needs them, so
     * resident memory stays near the file's size while a copy is made.
     */
    static final class PageReturn {
        private static final long EVERY = 1 << 20;
        private final MemorySegment w;
        private final boolean mapped;
        private long unloaded;

        PageReturn(MemorySegment w) {
            this.w = w;
            this.mapped = w.isMapped();
        }

        /** The source's bytes [0, done) are copied; {@code last}: nothing more follows. */
        void copied(long done, boolean last) {
            if (mapped && (done - unloaded >= EVERY || last) && done > unloaded) {
                w.asSlice(unloaded, done - unloaded).unload();
                unloaded = done;
            }
        }
    }
}
