package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.dotAnyOrder;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;
import static hearth.engine.quant.Simd.I256;
import static jdk.incubator.vector.VectorOperators.LSHR;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 values, 18 bytes: {@code fp16 d} at +0, {@code uint8 qs[16]} at +2. Value j (j < 16) is
 * d * ((qs[j] & 15) - 8), value j + 16 is d * ((qs[j] >> 4) - 8). Dot with Q8_0 activations.
 */
final class Q4_0Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o);
            int y = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, o + 2 + j);
                dst[y + j] = ((q & 15) - 8) * d;
                dst[y + j + 16] = ((q >> 4) - 8) * d;
            }
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int xi = t * a.k + b * BLOCK;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, o + 2 + j);
                isum += ((q & 15) - 8) * a.q[xi + j] + ((q >> 4) - 8) * a.q[xi + j + 16];
            }
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
    }

    /** Low nibbles minus 8: elements 0..15 of the block whose 16 quant bytes were widened to {@code s}. */
    private static ShortVector lo(ShortVector s) {
        return s.and((short) 15).sub((short) 8);
    }

    private static ShortVector hi(ShortVector s) {
        return s.lanewise(VectorOperators.ASHR, 4).and((short) 15).sub((short) 8);
    }

    /** Total of an integer lane vector (exact), as a float. */
    private static float isum(IntVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        int xo = t * a.k, bo = t * nb;
        if (a.path == GgmlPath.REPACKED_Q4_0) {
            // one accumulator per output: (whole-block integer dot) * (d_w * d_x), fused
            float sum = 0;
            for (int b = 0; b < nb; b++) {
                long o = offset + (long) b * BYTES;
                ShortVector s = shorts(w, o + 2);
                sum = Math.fma(isum(dotAnyOrder(lo(s), hi(s), a.q, xo + b * BLOCK)), fp16(w, o) * xd[bo + b], sum);
            }
            return sum;
        }
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 2);
            acc = toFloat(dot32(lo(s), hi(s), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
        }
        return hsum(acc);
    }

    // Row micro-kernels for the repacked path (ggml's q4_0_8x8 gemv/gemm): per output one float sum and one fused
    // multiply-add per block of the exact integer block total. Four outputs at a time: the 16 quant bytes of a block,
    // zero-extended to shorts, give element j in the low nibble of lane j and element j + 16 in its high nibble;
    // times the activations (natural order) and pair-summed, each int lane holds four products of q * x (0 <= q < 16,
    // so every partial sum fits 16 bits). A transposing reduction (TOTALS) turns the four outputs' int vectors into
    // one vector of their block totals; minus 8 * (sum of the activation block) that is sum((q - 8) * x), exact.
    // Other paths (weights with rows not a multiple of 8, rare) use the dot product per output. With the interleaved
    // copy (see matMul) these kernels serve only the rows it does not hold, or all rows with -Dhearth.q4_0.repack=false.

    /** Lanes 1, 3, 5, 7 (int lanes) and lanes 2, 3, 6, 7: the blend masks of the two halving steps. */
    private static final VectorMask<Integer> ODD = VectorMask.fromLong(I256, 0b1010_1010), PAIRS = VectorMask.fromLong(I256, 0b1100_1100);
    private static final VectorShuffle<Integer> SWAP1 = VectorShuffle.fromValues(I256, 1, 0, 3, 2, 5, 4, 7, 6);
    private static final VectorShuffle<Integer> SWAP2 = VectorShuffle.fromValues(I256, 2, 3, 0, 1, 6, 7, 4, 5);
    private static final VectorShuffle<Integer> SWAP4 = VectorShuffle.fromValues(I256, 4, 5, 6, 7, 0, 1, 2, 3);

    /**
     * On the repacked path, batches of eight rows and more read the rows in groups of sixteen ({@link Q4_0Batch16}: with
     * 256-bit vectors, and with 512-bit ones for weights without the interleaved copy); when they are whole groups of
     * eight, nothing else (the interleaved kernels read only {@link Activations#q}, and no rows are left for the row
     * kernels).
     */
    @Override
    public int activationLayouts(int n, GgmlPath path) {
        int rowLayouts = Activations.QG | Activations.QEO | Activations.QF; // the row kernels read qg too (rows1 off the repacked path)
        if (path != GgmlPath.REPACKED_Q4_0 || n < Q4_0Batch16.MIN_ROWS || !Simd.ENABLED) return rowLayouts;
        return Activations.X16 | (n % 8 == 0 ? 0 : rowLayouts);
    }

    @Override
    boolean rowKernels() {
        return true;
    }

    /**
     * On the repacked path, the rows held by the 8-row interleaved copy go to its kernels: groups of eight activation
     * rows to {@link Q4_0Batch16} (256-bit code, also where 512-bit vectors exist: on an AVX-512 Zen 5 host it made
     * SmolLM2 Q4_0's prefill 1.4-1.6x as fast as {@link Q4_0Interleaved} two rows at a time), the others to
     * {@link Q4_0Interleaved} with 512-bit vectors or {@link Q4_0Interleaved256} with 256-bit ones. The rows past the
     * copy (or all, without one) go to {@link Q4_0Batch16} and the row kernels.
     */
    @Override
    public void matMul(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        boolean repacked = a.path == GgmlPath.REPACKED_Q4_0 && Simd.ENABLED;
        Q4_0Repacked p = repacked && Q4_0Repacked.ENABLED ? Q4_0Repacked.of(w, rowBytes) : null;
        int split = p == null ? rowFrom : Math.max(rowFrom, Math.min(rowTo, p.rows));
        int batched = repacked && a.n >= Q4_0Batch16.MIN_ROWS ? a.n / 8 * 8 : 0;
        if (rowFrom < split) {
            if (batched > 0) Q4_0Batch16.matMul(w, rowBytes, p, rowFrom, split, a, out, outStride);
            if (Simd.WIDE) Q4_0Interleaved.matMul(p, rowFrom, split, a, batched, out, outStride);
            else Q4_0Interleaved256.matMul(p, rowFrom, split, a, batched, out, outStride);
        }
        if (split < rowTo) {
            if (batched > 0) Q4_0Batch16.matMul(w, rowBytes, null, split, rowTo, a, out, outStride);
            if (repacked) rowsFrom(batched, w, rowBytes, split, rowTo, a, out, outStride);
            else super.matMul(w, rowBytes, split, rowTo, a, out, outStride);
        }
    }

    /** Per activation block of row t: the sum of its 32 int8 values, into xs[0 .. nb). */
    private static int[] blockSums(Activations a, int t, int[] xs) {
        int nb = a.k / BLOCK;
        for (int b = 0; b < nb; b++) {
            int sum = 0, x = t * a.k + b * BLOCK;
            for (int j = 0; j < BLOCK; j++) sum += a.q[x + j];
            xs[b] = sum;
        }
        return xs;
    }

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        if (a.path != GgmlPath.REPACKED_Q4_0) {
            for (int r = rowFrom; r < rowTo; r++) out[t * outStride + r] = dot(w, r * rowBytes, a, t);
            return;
        }
        int k = a.k, nb = k / BLOCK, xo = t * k, bo = t * nb;
        short[] xq = a.q;
        float[] xd = a.d;
        int[] xs = blockSums(a, t, new int[nb]);
        float[] tot = new float[8];
        int r = rowFrom;
        for (; r + 4 <= rowTo; r += 4) {
            long o0 = r * rowBytes, o1 = o0 + rowBytes, o2 = o1 + rowBytes, o3 = o2 + rowBytes;
            float sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
            for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES, o2 += BYTES, o3 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector xl = ShortVector.fromArray(S256, xq, x), xh = ShortVector.fromArray(S256, xq, x + 16);
                ShortVector s0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o0 + 2, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector s1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o1 + 2, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector s2 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o2 + 2, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector s3 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o3 + 2, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                IntVector p0 = s0.and((short) 15).mul(xl).add(s0.lanewise(LSHR, 4).mul(xh)).reinterpretAsInts();
                IntVector p1 = s1.and((short) 15).mul(xl).add(s1.lanewise(LSHR, 4).mul(xh)).reinterpretAsInts();
                IntVector p2 = s2.and((short) 15).mul(xl).add(s2.lanewise(LSHR, 4).mul(xh)).reinterpretAsInts();
                IntVector p3 = s3.and((short) 15).mul(xl).add(s3.lanewise(LSHR, 4).mul(xh)).reinterpretAsInts();
                p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                p2 = p2.add(p2.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                p3 = p3.add(p3.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                // TOTALS: lanes 0..3 = the four block totals
                IntVector q01 = p0.blend(p1, ODD).add(p1.blend(p0, ODD).rearrange(SWAP1));
                IntVector q23 = p2.blend(p3, ODD).add(p3.blend(p2, ODD).rearrange(SWAP1));
                IntVector q = q01.blend(q23, PAIRS).add(q23.blend(q01, PAIRS).rearrange(SWAP2));
                ((FloatVector) q.add(q.rearrange(SWAP4)).sub(8 * xs[b]).convertShape(I2F, F256, 0)).intoArray(tot, 0); // exact: |total| < 2^24
                float dx = xd[bo + b];
                sum0 = Math.fma(tot[0], Float.float16ToFloat(w.get(U16, o0)) * dx, sum0);
                sum1 = Math.fma(tot[1], Float.float16ToFloat(w.get(U16, o1)) * dx, sum1);
                sum2 = Math.fma(tot[2], Float.float16ToFloat(w.get(U16, o2)) * dx, sum2);
                sum3 = Math.fma(tot[3], Float.float16ToFloat(w.get(U16, o3)) * dx, sum3);
            }
            out[t * outStride + r] = sum0;
            out[t * outStride + r + 1] = sum1;
            out[t * outStride + r + 2] = sum2;
            out[t * outStride + r + 3] = sum3;
        }
        for (; r < rowTo; r++) {
            long o0 = r * rowBytes;
            float sum0 = 0;
            for (int b = 0; b < nb; b++, o0 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector s0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o0 + 2, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                IntVector p0 = s0.and((short) 15).mul(ShortVector.fromArray(S256, xq, x))
                        .add(s0.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                int i0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16).reduceLanes(ADD);
                sum0 = Math.fma(i0 - 8 * xs[b], Float.float16ToFloat(w.get(U16, o0)) * xd[bo + b], sum0);
            }
            out[t * outStride + r] = sum0;
        }
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        if (a.path != GgmlPath.REPACKED_Q4_0) {
            for (int u = t; u < t + 4; u++) rows1(w, rowBytes, rowFrom, rowTo, a, u, out, outStride);
            return;
        }
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.q;
        // per block: the four activation rows' scales and 8 * block sums, lanes 0..3 (4..7 repeat them)
        float[] dx = new float[8 * nb];
        int[] xs8 = new int[8 * nb];
        int[] xs = new int[nb];
        for (int u = 0; u < 4; u++) {
            blockSums(a, t + u, xs);
            for (int b = 0; b < nb; b++) {
                dx[8 * b + u] = dx[8 * b + u + 4] = a.d[(t + u) * nb + b];
                xs8[8 * b + u] = xs8[8 * b + u + 4] = 8 * xs[b];
            }
        }
        float[] h = new float[8];
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            FloatVector sums = FloatVector.zero(F256); // lane u: output of activation row t + u
            for (int b = 0; b < nb; b++, o += BYTES) {
                ShortVector s = (ShortVector) ByteVector.fromMemorySegment(B128, w, o + 2, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector lo = s.and((short) 15), hi = s.lanewise(LSHR, 4);
                int x = t * k + b * BLOCK;
                IntVector p0 = lo.mul(ShortVector.fromArray(S256, xq, x)).add(hi.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                IntVector p1 = lo.mul(ShortVector.fromArray(S256, xq, x + k)).add(hi.mul(ShortVector.fromArray(S256, xq, x + k + 16))).reinterpretAsInts();
                IntVector p2 = lo.mul(ShortVector.fromArray(S256, xq, x + 2 * k)).add(hi.mul(ShortVector.fromArray(S256, xq, x + 2 * k + 16))).reinterpretAsInts();
                IntVector p3 = lo.mul(ShortVector.fromArray(S256, xq, x + 3 * k)).add(hi.mul(ShortVector.fromArray(S256, xq, x + 3 * k + 16))).reinterpretAsInts();
                p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                p2 = p2.add(p2.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                p3 = p3.add(p3.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                IntVector q01 = p0.blend(p1, ODD).add(p1.blend(p0, ODD).rearrange(SWAP1));
                IntVector q23 = p2.blend(p3, ODD).add(p3.blend(p2, ODD).rearrange(SWAP1));
                IntVector q = q01.blend(q23, PAIRS).add(q23.blend(q01, PAIRS).rearrange(SWAP2));
                IntVector tot = q.add(q.rearrange(SWAP4)).sub(IntVector.fromArray(I256, xs8, 8 * b));
                FloatVector scale = FloatVector.fromArray(F256, dx, 8 * b).mul(Float.float16ToFloat(w.get(U16, o)));
                sums = ((FloatVector) tot.convertShape(I2F, F256, 0)).fma(scale, sums);
            }
            sums.intoArray(h, 0);
            for (int u = 0; u < 4; u++) out[(t + u) * outStride + r] = h[u];
        }
    }
}
