package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.dotGrouped;
import static hearth.engine.quant.Simd.grouped1;
import static hearth.engine.quant.Simd.grouped2;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.pairSums;
import static hearth.engine.quant.Simd.s8;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0: blocks of 32 values, 34 bytes: {@code fp16 d} at +0, {@code int8 qs[32]} at +2; value j = d * qs[j].
 * Dot with Q8_0 activations: sum over blocks of (d_w * d_x) * (integer dot of the 32 int8 pairs).
 */
final class Q8_0Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
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
            for (int j = 0; j < BLOCK; j++) dst[dstOffset + b * BLOCK + j] = s8(w, o + 2 + j) * d;
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
            for (int j = 0; j < BLOCK; j++) isum += s8(w, o + 2 + j) * a.q[xi + j];
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        int xo = t * a.k, bo = t * nb;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            acc = toFloat(dot32(shorts(w, o + 2), shorts(w, o + 18), xq, xo + b * BLOCK))
                    .fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
        }
        return hsum(acc);
    }

    @Override
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector lo = shorts(w, o + 2), hi = shorts(w, o + 18);
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
