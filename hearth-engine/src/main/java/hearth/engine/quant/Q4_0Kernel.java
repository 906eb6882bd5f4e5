package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.dotAnyOrder;
import static hearth.engine.quant.Simd.dotGrouped;
import static hearth.engine.quant.Simd.grouped1;
import static hearth.engine.quant.Simd.grouped2;
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
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.LSHR;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
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

    @Override
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        if (a.path == GgmlPath.REPACKED_Q4_0) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int b = 0; b < nb; b++) {
                long o = offset + (long) b * BYTES;
                ShortVector s = shorts(w, o + 2);
                ShortVector lo = lo(s), hi = hi(s);
                float dw = fp16(w, o);
                int x0 = t * k + b * BLOCK, d0 = t * nb + b;
                s0 = Math.fma(isum(dotAnyOrder(lo, hi, a.q, x0)), dw * xd[d0], s0);
                s1 = Math.fma(isum(dotAnyOrder(lo, hi, a.q, x0 + k)), dw * xd[d0 + nb], s1);
                s2 = Math.fma(isum(dotAnyOrder(lo, hi, a.q, x0 + 2 * k)), dw * xd[d0 + 2 * nb], s2);
                s3 = Math.fma(isum(dotAnyOrder(lo, hi, a.q, x0 + 3 * k)), dw * xd[d0 + 3 * nb], s3);
            }
            out[outIndex] = s0;
            out[outIndex + outStride] = s1;
            out[outIndex + 2 * outStride] = s2;
            out[outIndex + 3 * outStride] = s3;
            return;
        }
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 2);
            ShortVector lo = lo(s), hi = hi(s);
            ShortVector g1 = grouped1(lo, hi), g2 = grouped2(lo, hi);
            float dw = fp16(w, o);
            int x0 = t * k + b * BLOCK, d0 = t * nb + b;
            acc0 = toFloat(dotGrouped(g1, g2, xq, x0)).fma(FloatVector.broadcast(F256, dw * xd[d0]), acc0);
            acc1 = toFloat(dotGrouped(g1, g2, xq, x0 + k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + nb]), acc1);
            acc2 = toFloat(dotGrouped(g1, g2, xq, x0 + 2 * k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + 2 * nb]), acc2);
            acc3 = toFloat(dotGrouped(g1, g2, xq, x0 + 3 * k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + 3 * nb]), acc3);
        }
        out[outIndex] = hsum(acc0);
        out[outIndex + outStride] = hsum(acc1);
        out[outIndex + 2 * outStride] = hsum(acc2);
        out[outIndex + 3 * outStride] = hsum(acc3);
    }

    // Row micro-kernels for the repacked path (ggml's q4_0_8x8 gemv/gemm): per output one float sum, one fused
    // multiply-add per block of the exact integer block total. The 16 quant bytes are widened to shorts (element j in
    // the low nibble of lane j, element j + 16 in its high nibble), minus 8, times the activations in natural order;
    // the 32 products of a block fit a short sum (|q - 8| <= 8, |x| <= 127), so one short reduction gives the total.
    // Other paths (weights with rows not a multiple of 8, rare) use the dot product per output.

    @Override
    boolean rowKernels() {
        return true;
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
        int r = rowFrom;
        for (; r + 2 <= rowTo; r += 2) {
            long o0 = r * rowBytes, o1 = o0 + rowBytes;
            float sum0 = 0, sum1 = 0;
            for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector xl = ShortVector.fromArray(S256, xq, x), xh = ShortVector.fromArray(S256, xq, x + 16);
                float dx = xd[bo + b];
                ShortVector s0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o0 + 2, LE).convertShape(B2S, S256, 0);
                ShortVector s1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o1 + 2, LE).convertShape(B2S, S256, 0);
                short i0 = s0.and((short) 15).sub((short) 8).mul(xl).add(s0.lanewise(LSHR, 4).and((short) 15).sub((short) 8).mul(xh)).reduceLanes(ADD);
                short i1 = s1.and((short) 15).sub((short) 8).mul(xl).add(s1.lanewise(LSHR, 4).and((short) 15).sub((short) 8).mul(xh)).reduceLanes(ADD);
                sum0 = Math.fma(i0, Float.float16ToFloat(w.get(U16, o0)) * dx, sum0);
                sum1 = Math.fma(i1, Float.float16ToFloat(w.get(U16, o1)) * dx, sum1);
            }
            out[t * outStride + r] = sum0;
            out[t * outStride + r + 1] = sum1;
        }
        for (; r < rowTo; r++) {
            long o0 = r * rowBytes;
            float sum0 = 0;
            for (int b = 0; b < nb; b++, o0 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector s0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, o0 + 2, LE).convertShape(B2S, S256, 0);
                short i0 = s0.and((short) 15).sub((short) 8).mul(ShortVector.fromArray(S256, xq, x))
                        .add(s0.lanewise(LSHR, 4).and((short) 15).sub((short) 8).mul(ShortVector.fromArray(S256, xq, x + 16))).reduceLanes(ADD);
                sum0 = Math.fma(i0, Float.float16ToFloat(w.get(U16, o0)) * xd[bo + b], sum0);
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
        float[] xd = a.d;
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int b = 0; b < nb; b++, o += BYTES) {
                ShortVector s = (ShortVector) ByteVector.fromMemorySegment(B128, w, o + 2, LE).convertShape(B2S, S256, 0);
                ShortVector lo = s.and((short) 15).sub((short) 8), hi = s.lanewise(LSHR, 4).and((short) 15).sub((short) 8);
                float dw = Float.float16ToFloat(w.get(U16, o));
                int x = t * k + b * BLOCK, d = t * nb + b;
                short i0 = lo.mul(ShortVector.fromArray(S256, xq, x)).add(hi.mul(ShortVector.fromArray(S256, xq, x + 16))).reduceLanes(ADD);
                short i1 = lo.mul(ShortVector.fromArray(S256, xq, x + k)).add(hi.mul(ShortVector.fromArray(S256, xq, x + k + 16))).reduceLanes(ADD);
                short i2 = lo.mul(ShortVector.fromArray(S256, xq, x + 2 * k)).add(hi.mul(ShortVector.fromArray(S256, xq, x + 2 * k + 16))).reduceLanes(ADD);
                short i3 = lo.mul(ShortVector.fromArray(S256, xq, x + 3 * k)).add(hi.mul(ShortVector.fromArray(S256, xq, x + 3 * k + 16))).reduceLanes(ADD);
                s0 = Math.fma(i0, dw * xd[d], s0);
                s1 = Math.fma(i1, dw * xd[d + nb], s1);
                s2 = Math.fma(i2, dw * xd[d + 2 * nb], s2);
                s3 = Math.fma(i3, dw * xd[d + 3 * nb], s3);
            }
            out[t * outStride + r] = s0;
            out[(t + 1) * outStride + r] = s1;
            out[(t + 2) * outStride + r] = s2;
            out[(t + 3) * outStride + r] = s3;
        }
    }
}
