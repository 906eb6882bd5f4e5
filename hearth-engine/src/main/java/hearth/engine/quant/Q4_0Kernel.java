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

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
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
}
