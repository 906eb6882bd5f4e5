package hearth.engine.quant;

import static hearth.engine.quant.Simd.LE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Q4_0 weight matrix with every 8 rows interleaved, so that one vector serves all 8 rows (see
 * {@link Q4_0Interleaved} for 512-bit vectors, {@link Q4_0Interleaved256} and {@link Q4_0Batch16} for 256-bit ones). Group g (rows 8g .. 8g+7), block b sits at {@code (g * blocksPerRow + b) * 144}: the 8 rows'
 * fp16 scales (row order), then 4 chunks of 32 quant bytes: byte i of chunk m is quant byte {@code 4m + i / 8} of row
 * {@code i % 8} (the byte holding elements 4m + i/8 and 4m + i/8 + 16). 144 = 8 x 18: the copy is as large as the rows.
 *
 * <p>Made lazily, on the first mat-mul with a tensor, into memory of its own, freed by {@link #releaseClosed} once the
 * source's scope is closed (the engine calls it through {@link Kernels#releaseClosedWeights} when it closes a model). To keep resident memory at the file's size,
 * the file pages of a memory-mapped source are handed back ({@link MemorySegment#unload}, madvise DONTNEED) as
 * they are copied: they are clean file pages, read again from the page cache if another path (a dequantised row)
 * needs them. Weights with an fp16 infinity or NaN scale are not repacked (the kernel converts scales with a bit
 * trick that holds for finite values), nor rows past the last multiple of 8.
 */
final class Q4_0Repacked {
    /** Bytes of one group-block: 8 scales and 8 x 16 quant bytes. */
    static final int GROUP_BLOCK = 144;

    /**
     * Whether Q4_0 mat-muls on ggml's repacked path use the interleaved copy: with vector kernels (256-bit vectors or
     * more); {@code -Dhearth.q4_0.repack=false} turns it off (then the row kernels of {@link Q4_0Kernel} and
     * {@link Q4_0Batch16} read the weights as they are).
     */
    static final boolean ENABLED = Simd.ENABLED && !"false".equals(System.getProperty("hearth.q4_0.repack"));

    /** Source bytes between two hand-backs of the copied file pages (bounds the extra resident memory). */
    private static final long UNLOAD_EVERY = 1 << 20;

    final MemorySegment data;
    /** Rows held (a multiple of 8), quant blocks per row. */
    final int rows, blocksPerRow;
    /** Owns {@link #data}: closed when the source's scope has closed, or left to the GC for heap sources. */
    private final Arena arena;

    private Q4_0Repacked(Arena arena, MemorySegment data, int rows, int blocksPerRow) {
        this.arena = arena;
        this.data = data;
        this.rows = rows;
        this.blocksPerRow = blocksPerRow;
    }

    private record Key(long address, long size, long rowBytes) {}

    /** One entry per source tensor; the copy is made by the first caller, others wait for it. */
    private static final class Entry {
        final MemorySegment.Scope scope;
        private volatile Object value; // Q4_0Repacked, or NONE

        Entry(MemorySegment.Scope scope) {
            this.scope = scope;
        }

        Q4_0Repacked get(MemorySegment w, long rowBytes) {
            Object v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        Q4_0Repacked r = repack(w, rowBytes, Arena.ofShared());
                        value = v = r == null ? NONE : r;
                    }
                }
            }
            return v == NONE ? null : (Q4_0Repacked) v;
        }
    }

    private static final Object NONE = new Object();
    private static final Map<Key, Entry> CACHE = new ConcurrentHashMap<>();

    /**
     * The interleaved copy of the Q4_0 matrix {@code w} (rows of {@code rowBytes}), made on first use of a native
     * segment and kept while its scope lives; null if it cannot be repacked. Heap segments (tests) are repacked on every
     * call: their contents may change under the same address.
     */
    static Q4_0Repacked of(MemorySegment w, long rowBytes) {
        if (!w.isNative()) return repack(w, rowBytes, Arena.ofAuto());
        Key key = new Key(w.address(), w.byteSize(), rowBytes);
        Entry e = CACHE.get(key);
        if (e == null || e.scope != w.scope() || !e.scope.isAlive()) {
            releaseClosed();
            Entry fresh = new Entry(w.scope());
            e = CACHE.compute(key, (k, old) -> old != null && old.scope == w.scope() && old.scope.isAlive() ? old : fresh);
        }
        return e.get(w, rowBytes);
    }

    /**
     * Frees the copies whose source scope is closed (their model is gone, so no mat-mul can still read them) and
     * forgets them; returns how many copies remain.
     */
    static int releaseClosed() {
        for (var it = CACHE.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.scope.isAlive()) continue;
            it.remove();
            synchronized (e) {
                if (e.value instanceof Q4_0Repacked r) r.arena.close();
                e.value = NONE;
            }
        }
        return CACHE.size();
    }

    private static Q4_0Repacked repack(MemorySegment w, long rowBytes, Arena arena) {
        int blocksPerRow = Math.toIntExact(rowBytes / Q4_0Kernel.BYTES);
        int rows = (int) (w.byteSize() / rowBytes) / 8 * 8;
        if (rows == 0) return close(arena);
        for (long o = 0; o < rows * rowBytes; o += Q4_0Kernel.BYTES) {
            if ((w.get(Simd.U16, o) & 0x7c00) == 0x7c00) return close(arena);
        }
        MemorySegment dst = arena.allocate((long) rows * rowBytes, 64);
        long[] q = new long[16];
        boolean unload = w.isMapped();
        long unloaded = 0;
        long out = 0;
        for (int g = 0; g < rows / 8; g++) {
            long base = g * 8 * rowBytes;
            for (int b = 0; b < blocksPerRow; b++, out += GROUP_BLOCK) {
                for (int r = 0; r < 8; r++) {
                    long src = base + r * rowBytes + (long) b * Q4_0Kernel.BYTES;
                    dst.set(Simd.U16, out + 2 * r, w.get(Simd.U16, src));
                    q[r] = w.get(LONG, src + 2);
                    q[8 + r] = w.get(LONG, src + 10);
                }
                transpose8x8(q, 0);
                transpose8x8(q, 8);
                for (int j = 0; j < 16; j++) dst.set(LONG, out + 16 + 8 * j, q[j]);
            }
            long done = base + 8 * rowBytes;
            if (unload && (done - unloaded >= UNLOAD_EVERY || g == rows / 8 - 1)) {
                w.asSlice(unloaded, done - unloaded).unload();
                unloaded = done;
            }
        }
        return new Q4_0Repacked(arena, dst, rows, blocksPerRow);
    }

    /** Nothing to repack: gives the arena back (an automatic one is left to the GC) and answers null. */
    private static Q4_0Repacked close(Arena arena) {
        try {
            arena.close();
        } catch (UnsupportedOperationException automatic) {
            // released by the GC
        }
        return null;
    }

    /**
     * Transposes the 8 x 8 byte matrix a[o + r] (byte j of long r) in place: afterwards byte r of a[o + j] is the
     * former byte j of a[o + r]. Quant byte j of the 8 rows becomes one long: the 8 bytes of chunk lanes 8j' .. 8j'+7.
     */
    static void transpose8x8(long[] a, int o) {
        transpose8x8(a, o, 1);
    }

    /** Like {@link #transpose8x8(long[], int)} for the matrix a[o + s * r], r = 0 .. 7. */
    static void transpose8x8(long[] a, int o, int s) {
        for (int i = 0; i < 4; i++) { // 4 x 4 blocks of bytes
            int r = o + s * i;
            long x = a[r], y = a[r + 4 * s];
            a[r] = (x & 0xFFFFFFFFL) | (y << 32);
            a[r + 4 * s] = (x >>> 32) | (y & 0xFFFFFFFF00000000L);
        }
        for (int i = 0; i < 4; i++) { // 2 x 2 blocks: rows 0, 1, 4, 5 with the row 2 further
            int r = o + s * (i % 2 + 4 * (i / 2));
            long x = a[r], y = a[r + 2 * s];
            a[r] = (x & 0x0000FFFF0000FFFFL) | ((y & 0x0000FFFF0000FFFFL) << 16);
            a[r + 2 * s] = ((x >>> 16) & 0x0000FFFF0000FFFFL) | (y & 0xFFFF0000FFFF0000L);
        }
        for (int i = 0; i < 8; i += 2) { // single bytes
            int r = o + s * i;
            long x = a[r], y = a[r + s];
            a[r] = (x & 0x00FF00FF00FF00FFL) | ((y & 0x00FF00FF00FF00FFL) << 8);
            a[r + s] = ((x >>> 8) & 0x00FF00FF00FF00FFL) | (y & 0xFF00FF00FF00FF00L);
        }
    }

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
}
