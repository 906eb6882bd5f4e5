package hearth.engine.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/**
 * A Q8_0 weight matrix with every 16 rows interleaved, so that one 512-bit vector holds one element of 16 rows (see
 * {@link Q8_0Interleaved}). Group g (rows 16g .. 16g+15) takes {@code blocksPerRow * 544} bytes from
 * {@code g * blocksPerRow * 544}: first the fp16 scales, block by block, 16 each (row order); then the quants by ggml
 * lane: for lane j (elements 4j .. 4j+3) and block b, at {@code 32 * blocksPerRow + 64 * (j * blocksPerRow + b)}, the
 * four elements' 16 bytes each (row order). A lane's quants over all blocks are contiguous, so a kernel may walk the
 * group lane by lane. 544 = 16 x 34: the copy is as large as the rows.
 *
 * <p>Made lazily, on the first mat-mul with a tensor, into memory of its own (see {@link RepackCache}). The file pages
 * of a memory-mapped source are handed back as they are copied ({@link MemorySegment#unload}), so resident memory
 * stays at the file's size; a path that reads the file again (a dequantised row, rows outside the copy) faults its
 * pages back in. Weights with an fp16 infinity or NaN scale are not repacked (the kernels widen scales with a bit trick
 * that holds for finite values), nor rows past the last multiple of 16.
 */
final class Q8_0Repacked {
    /** Bytes of one group-block: 16 fp16 scales and 32 x 16 quant bytes. */
    static final int GROUP_BLOCK = 544;
    /** Rows per group. */
    static final int ROWS = 16;

    /**
     * Whether Q8_0 mat-muls use the interleaved copy: with 512-bit vectors in hardware (else the row kernels of
     * {@link Q8_0Kernel}); {@code -Dhearth.q8_0.repack=false} turns it off.
     */
    static final boolean ENABLED = Simd.ENABLED && FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            && !"false".equals(System.getProperty("hearth.q8_0.repack"));

    /** Source bytes between two hand-backs of the copied file pages (bounds the extra resident memory). */
    private static final long UNLOAD_EVERY = 1 << 20;

    final MemorySegment data;
    /** Rows held (a multiple of 16), quant blocks per row. */
    final int rows, blocksPerRow;

    private Q8_0Repacked(MemorySegment data, int rows, int blocksPerRow) {
        this.data = data;
        this.rows = rows;
        this.blocksPerRow = blocksPerRow;
    }

    private static final RepackCache<Q8_0Repacked> CACHE = new RepackCache<>(Q8_0Repacked::repack);

    /** The interleaved copy of the Q8_0 matrix {@code w} (rows of {@code rowBytes}); null if it cannot be repacked. */
    static Q8_0Repacked of(MemorySegment w, long rowBytes) {
        return CACHE.of(w, rowBytes);
    }

    /** Frees the copies whose source is closed; returns how many remain. */
    static int releaseClosed() {
        return CACHE.releaseClosed();
    }

    private static Q8_0Repacked repack(MemorySegment w, long rowBytes, Arena arena) {
        int nb = Math.toIntExact(rowBytes / Q8_0Kernel.BYTES);
        int rows = (int) (w.byteSize() / rowBytes) / ROWS * ROWS;
        if (rows == 0) return null;
        for (long o = 0; o < rows * rowBytes; o += Q8_0Kernel.BYTES) {
            if ((w.get(Simd.U16, o) & 0x7c00) == 0x7c00) return null;
        }
        MemorySegment dst = arena.allocate((long) rows / ROWS * nb * GROUP_BLOCK, 64);
        byte[] src = new byte[ROWS * Math.toIntExact(rowBytes)];
        byte[] out = new byte[nb * GROUP_BLOCK];
        boolean unload = w.isMapped();
        long unloaded = 0;
        for (int g = 0; g < rows / ROWS; g++) {
            long base = g * ROWS * rowBytes;
            MemorySegment.copy(w, ValueLayout.JAVA_BYTE, base, src, 0, src.length);
            for (int b = 0; b < nb; b++) {
                for (int r = 0; r < ROWS; r++) {
                    int s = Math.toIntExact(r * rowBytes) + b * Q8_0Kernel.BYTES;
                    out[32 * b + 2 * r] = src[s];
                    out[32 * b + 2 * r + 1] = src[s + 1];
                    for (int e = 0; e < Q8_0Kernel.BLOCK; e++) out[32 * nb + 64 * (nb * (e / 4) + b) + ROWS * (e % 4) + r] = src[s + 2 + e];
                }
            }
            MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, (long) g * nb * GROUP_BLOCK, out.length);
            long done = base + ROWS * rowBytes;
            if (unload && (done - unloaded >= UNLOAD_EVERY || g == rows / ROWS - 1)) {
                w.asSlice(unloaded, done - unloaded).unload();
                unloaded = done;
            }
        }
        return new Q8_0Repacked(dst, rows, nb);
    }
}
