package hearth.engine.quant;

import static hearth.engine.quant.Simd.U64;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A Q4_0 weight matrix with every 8 rows interleaved, so that one vector serves all 8 rows (see
 * {@link Q4_0Interleaved} for 512-bit vectors, {@link Q4_0Interleaved256} and {@link Q4_0Batch16} for 256-bit ones). Group g (rows 8g .. 8g+7), block b sits at {@code (g * blocksPerRow + b) * 144}: the 8 rows'
 * fp16 scales (row order), then 4 chunks of 32 quant bytes: byte i of chunk m is quant byte {@code 4m + i / 8} of row
 * {@code i % 8} (the byte holding elements 4m + i/8 and 4m + i/8 + 16). 144 = 8 x 18: the copy is as large as the rows.
 *
 * <p>Made lazily, on the first mat-mul with a tensor, and freed with its model ({@link RepackCache}); the file pages
 * of a memory-mapped source are handed back as they are copied ({@link RepackCache.PageReturn}). Weights with an
 * fp16 infinity or NaN scale are not repacked (the kernel converts scales with a bit trick that holds for finite
 * values), nor rows past the last multiple of 8.
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

    final MemorySegment data;
    /** Rows held (a multiple of 8), quant blocks per row. */
    final int rows, blocksPerRow;

    private Q4_0Repacked(MemorySegment data, int rows, int blocksPerRow) {
        this.data = data;
        this.rows = rows;
        this.blocksPerRow = blocksPerRow;
    }

    private static final RepackCache<Q4_0Repacked> CACHE = new RepackCache<>(Q4_0Repacked::repack);

    /**
     * The interleaved copy of the Q4_0 matrix {@code w} (rows of {@code rowBytes}), made on first use of a native
     * segment and kept while its scope lives; null if it cannot be repacked.
     */
    static Q4_0Repacked of(MemorySegment w, long rowBytes) {
        return CACHE.of(w, rowBytes);
    }

    /** Frees the copies whose source scope is closed; returns how many copies remain. */
    static int releaseClosed() {
        return CACHE.releaseClosed();
    }

    private static Q4_0Repacked repack(MemorySegment w, long rowBytes, Arena arena) {
        int blocksPerRow = Math.toIntExact(rowBytes / Q4_0Kernel.BYTES);
        int rows = RepackCache.wholeGroupRows(w, rowBytes, Q4_0Kernel.BYTES);
        if (rows == 0) return null;
        MemorySegment dst = arena.allocate((long) rows * rowBytes, 64);
        long[] q = new long[16];
        RepackCache.PageReturn pages = new RepackCache.PageReturn(w);
        long out = 0;
        for (int g = 0; g < rows / 8; g++) {
            long base = g * 8 * rowBytes;
            for (int b = 0; b < blocksPerRow; b++, out += GROUP_BLOCK) {
                for (int r = 0; r < 8; r++) {
                    long src = base + r * rowBytes + (long) b * Q4_0Kernel.BYTES;
                    dst.set(Simd.U16, out + 2 * r, w.get(Simd.U16, src));
                    q[r] = w.get(U64, src + 2);
                    q[8 + r] = w.get(U64, src + 10);
                }
                transpose8x8(q, 0);
                transpose8x8(q, 8);
                for (int j = 0; j < 16; j++) dst.set(U64, out + 16 + 8 * j, q[j]);
            }
            pages.copied(base + 8 * rowBytes, g == rows / 8 - 1);
        }
        return new Q4_0Repacked(dst, rows, blocksPerRow);
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

}
