package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.U16;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.U64;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q5_0 weight matrix with every 8 rows interleaved for {@link Q5_0Interleaved} (512-bit vectors). Group g (rows 8g
 * .. 8g+7), block b sits at {@code (g * blocksPerRow + b) * 176}, as large as the 8 rows' blocks:
 * <ul>
 * <li>+0: the 8 rows' fp16 scales, in row order;
 * <li>+16: 4 longs of fifth bits, long c for chunk c: bit L of its low half is set where lane L of the chunk's low
 * nibbles has its fifth bit clear (the value is the nibble - 16), bit L of its high half likewise for the high
 * nibbles;
 * <li>+48: 4 chunks of 32 quant bytes: byte L of chunk c is quant byte {@code 4 (L % 4) + c} of row {@code L / 4},
 * whose low nibble is element {@code 4 (L % 4) + c} and high nibble element {@code 16 + 4 (L % 4) + c}.
 * </ul>
 * So lane L = 4 r + j of the low nibbles of all 4 chunks holds the four elements of ggml's int lane j (elements 4j ..
 * 4j + 3) of row r, and of the high nibbles those of int lane 4 + j: summing the 4 chunks' products gives ggml's lane
 * sums of all 8 rows at once.
 *
 * <p>Made lazily on the first mat-mul with a tensor ({@link #ENABLED}), freed with its model ({@link RepackCache});
 * the file pages of a memory-mapped source are handed back as they are copied ({@link RepackCache.PageReturn}), and
 * batches decode their rows from the copy ({@link #decode}). Weights with an fp16 infinity or NaN scale are
 * not repacked (the kernel widens scales with a bit trick that holds for finite values), nor rows past the last
 * multiple of 8.
 */
final class Q5_0Repacked implements DecodedBatch.Rows {
    static final int GROUP_BLOCK = 176;

    /**
     * On with 512-bit vectors unless {@code -Dhearth.q5_0.repack=false}. The kernel alone is 2.9 times as fast as
     * Q5_0Kernel's row kernel. C2 compiles it with boxed vectors when the batch kernels ran first (a prompt before the
     * first decode, docs/performance.md, twenty-second and twenty-third sessions): the engine's and the benchmark's
     * warm-ups decode alone first for that reason.
     */
    static final boolean ENABLED = Simd.ENABLED && Simd.WIDE && !"false".equals(System.getProperty("hearth.q5_0.repack"));

    private static final RepackCache<Q5_0Repacked> CACHE = new RepackCache<>(Q5_0Repacked::repack);

    final MemorySegment data;
    /** Rows held (a multiple of 8), blocks per row. */
    final int rows, blocksPerRow;

    private Q5_0Repacked(MemorySegment data, int rows, int blocksPerRow) {
        this.data = data;
        this.rows = rows;
        this.blocksPerRow = blocksPerRow;
    }

    /** The interleaved copy of the Q5_0 matrix {@code w} (rows of {@code rowBytes}); null if it cannot be made. */
    static Q5_0Repacked of(MemorySegment w, long rowBytes) {
        return CACHE.of(w, rowBytes);
    }

    /** Frees the copies whose source scope is closed; returns how many copies remain. */
    static int releaseClosed() {
        return CACHE.releaseClosed();
    }

    private static Q5_0Repacked repack(MemorySegment w, long rowBytes, Arena arena) {
        int nb = Math.toIntExact(rowBytes / Q5_0Kernel.BYTES);
        int rows = RepackCache.wholeGroupRows(w, rowBytes, Q5_0Kernel.BYTES);
        if (rows == 0) return null;
        MemorySegment dst = arena.allocate((long) rows * rowBytes, 64);
        int bytes = Math.toIntExact(8 * rowBytes);
        byte[] src = new byte[bytes], group = new byte[bytes];
        MemorySegment groupSeg = MemorySegment.ofArray(group);
        RepackCache.PageReturn pages = new RepackCache.PageReturn(w);
        for (int g = 0; g < rows / 8; g++) {
            long base = g * (long) bytes;
            MemorySegment.copy(w, ValueLayout.JAVA_BYTE, base, src, 0, bytes);
            for (int b = 0, out = 0; b < nb; b++, out += GROUP_BLOCK) {
                long[] clear = new long[4];
                for (int r = 0; r < 8; r++) {
                    int s0 = (int) (r * rowBytes) + b * Q5_0Kernel.BYTES;
                    group[out + 2 * r] = src[s0];
                    group[out + 2 * r + 1] = src[s0 + 1];
                    int inv = ~((src[s0 + 2] & 0xff) | (src[s0 + 3] & 0xff) << 8 | (src[s0 + 4] & 0xff) << 16 | (src[s0 + 5] & 0xff) << 24);
                    for (int c = 0; c < 4; c++) {
                        for (int j = 0; j < 4; j++) group[out + 48 + 32 * c + 4 * r + j] = src[s0 + 6 + 4 * j + c];
                        // bits c, c + 4, c + 8, c + 12 (low nibbles) and 16 above (high ones) to lanes 4r .. 4r + 3
                        int lo = inv >>> c, hi = inv >>> (16 + c);
                        long l = (lo & 1) | (lo >>> 3 & 2) | (lo >>> 6 & 4) | (lo >>> 9 & 8);
                        long h = (hi & 1) | (hi >>> 3 & 2) | (hi >>> 6 & 4) | (hi >>> 9 & 8);
                        clear[c] |= l << (4 * r) | h << (32 + 4 * r);
                    }
                }
                for (int c = 0; c < 4; c++) groupSeg.set(U64, out + 16 + 8 * c, clear[c]);
            }
            MemorySegment.copy(groupSeg, 0, dst, base, bytes);
            pages.copied(base + bytes, g == rows / 8 - 1);
        }
        return new Q5_0Repacked(dst, rows, nb);
    }

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    /**
     * Lanes of (low, high) nibble values of 4 rows (lane 4r + j) that make rows 0 and 1 (2 and 3) of a block's group m
     * as decodeFloatRow lays it out: row 0's 4 low values, its 4 high ones, then row 1's.
     */
    private static final IntVector MIX01 = IntVector.fromArray(I512, new int[] {0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23}, 0),
            MIX23 = MIX01.add(8);

    /**
     * Rows [r0, r1) of the copy as {@link TiledKernel#decodeFloatRow} writes them (lane j of group m of block b: ggml's
     * int lane j, element 4j + m), for batches, which then read the copy instead of the file's pages: whole groups of 8
     * rows with vectors, rows of a group cut by the range one by one.
     */
    @Override
    public void decode(int r0, int r1, int k, float[] dst, float[] scales) {
        int nb = blocksPerRow;
        int r = r0;
        for (; r < r1 && r % 8 != 0; r++) decodeRow(r, r0, k, dst, scales);
        for (; r + 8 <= r1; r += 8) {
            long o = (long) (r / 8) * nb * GROUP_BLOCK;
            int row = (r - r0) * k;
            for (int b = 0; b < nb; b++, o += GROUP_BLOCK) {
                for (int i = 0; i < 8; i++) scales[(r - r0 + i) * nb + b] = Float.float16ToFloat(data.get(U16, o + 2 * i));
                for (int m = 0; m < 4; m++) {
                    long clear = data.get(U64, o + 16 + 8 * m);
                    for (int half = 0; half < 2; half++) { // rows 4 half .. 4 half + 3
                        IntVector q = (IntVector) ByteVector.fromMemorySegment(B128, data, o + 48 + 32 * m + 16 * half, LE)
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                        IntVector lo = q.and(15).sub(16, VectorMask.fromLong(I512, clear >>> (16 * half)));
                        IntVector hi = q.lanewise(VectorOperators.LSHR, 4).sub(16, VectorMask.fromLong(I512, clear >>> (32 + 16 * half)));
                        FloatVector a = (FloatVector) MIX01.selectFrom(lo, hi).convertShape(VectorOperators.I2F, FloatVector.SPECIES_512, 0);
                        FloatVector c = (FloatVector) MIX23.selectFrom(lo, hi).convertShape(VectorOperators.I2F, FloatVector.SPECIES_512, 0);
                        int y = row + 4 * half * k + 32 * b + 8 * m;
                        ((FloatVector) a.reinterpretShape(F256, 0)).intoArray(dst, y);
                        ((FloatVector) a.reinterpretShape(F256, 1)).intoArray(dst, y + k);
                        ((FloatVector) c.reinterpretShape(F256, 0)).intoArray(dst, y + 2 * k);
                        ((FloatVector) c.reinterpretShape(F256, 1)).intoArray(dst, y + 3 * k);
                    }
                }
            }
        }
        for (; r < r1; r++) decodeRow(r, r0, k, dst, scales);
    }

    /** Row r of the copy into dst[(r - r0) * k ..] and scales[(r - r0) * k / 32 ..], value by value. */
    private void decodeRow(int r, int r0, int k, float[] dst, float[] scales) {
        int rr = r % 8;
        long o = (long) (r / 8) * blocksPerRow * GROUP_BLOCK;
        for (int b = 0; b < blocksPerRow; b++, o += GROUP_BLOCK) {
            for (int m = 0; m < 4; m++) {
                int bytes = data.get(U32, o + 48 + 32 * m + 4 * rr); // byte j: row rr's quant byte 4j + m
                long clear = data.get(U64, o + 16 + 8 * m) >>> (4 * rr);
                int y = (r - r0) * k + 32 * b + 8 * m;
                for (int j = 0; j < 4; j++) {
                    int q = bytes >>> (8 * j) & 0xff;
                    dst[y + j] = (q & 15) - 16 * (int) (clear >>> j & 1);
                    dst[y + 4 + j] = (q >>> 4) - 16 * (int) (clear >>> (32 + j) & 1);
                }
            }
            scales[(r - r0) * blocksPerRow + b] = Float.float16ToFloat(data.get(U16, o + 2 * rr));
        }
    }

    @Override
    public void rows1(int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        Q5_0Interleaved.rows1(this, rowFrom, rowTo, a, t, out, outStride);
    }
}
