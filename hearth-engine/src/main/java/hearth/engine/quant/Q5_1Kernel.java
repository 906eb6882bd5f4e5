package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.bitsSet;
import static hearth.engine.quant.Simd.dot32;
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
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_1: blocks of 32 values, 24 bytes: {@code fp16 d} at +0, {@code fp16 m} at +2, {@code uint32 qh} at +4,
 * {@code uint8 qs[16]} at +8. Value j is d * (nibble | bit j of qh << 4) + m (nibbles as in Q4_1). Dot with Q8_1
 * activations: (d_w * d_x) * isum + m * s_x per block.
 */
final class Q5_1Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 24;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_1;
    }

    private static int value(MemorySegment w, long o, int qh, int j) {
        int q = u8(w, o + 8 + (j & 15));
        int nib = j < 16 ? q & 15 : q >> 4;
        return nib | ((qh >>> j) & 1) << 4;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o), m = fp16(w, o + 2);
            int qh = w.get(U32, o + 4);
            for (int j = 0; j < BLOCK; j++) dst[dstOffset + b * BLOCK + j] = value(w, o, qh, j) * d + m;
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int qh = w.get(U32, o + 4);
            int xi = t * a.k + b * BLOCK;
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) isum += value(w, o, qh, j) * a.q[xi + j];
            sum += (fp16(w, o) * a.d[t * nb + b]) * isum + fp16(w, o + 2) * a.s[t * nb + b];
        }
        return sum;
    }

    /** nibble | high bit << 4: subtracting -1 << 4 adds 16 where the bit is set. */
    private static ShortVector lo(ShortVector s, int qh) {
        return s.and((short) 15).sub(bitsSet(qh).lanewise(VectorOperators.LSHL, 4));
    }

    private static ShortVector hi(ShortVector s, int qh) {
        return s.lanewise(VectorOperators.ASHR, 4).and((short) 15).sub(bitsSet(qh >>> 16).lanewise(VectorOperators.LSHL, 4));
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d, xs = a.s;
        int xo = t * a.k, bo = t * nb;
        FloatVector acc = FloatVector.zero(F256);
        float mins = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 8);
            int qh = w.get(U32, o + 4);
            acc = toFloat(dot32(lo(s, qh), hi(s, qh), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
            mins = Math.fma(fp16(w, o + 2), xs[bo + b], mins); // gcc contracts ggml's summs += m * s
        }
        return hsum(acc) + mins;
    }

    @Override
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d, xs = a.s;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 8);
            int qh = w.get(U32, o + 4);
            ShortVector lo = lo(s, qh), hi = hi(s, qh);
            ShortVector g1 = grouped1(lo, hi), g2 = grouped2(lo, hi);
            float dw = fp16(w, o), mw = fp16(w, o + 2);
            int x0 = t * k + b * BLOCK, d0 = t * nb + b;
            acc0 = toFloat(dotGrouped(g1, g2, xq, x0)).fma(FloatVector.broadcast(F256, dw * xd[d0]), acc0);
            acc1 = toFloat(dotGrouped(g1, g2, xq, x0 + k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + nb]), acc1);
            acc2 = toFloat(dotGrouped(g1, g2, xq, x0 + 2 * k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + 2 * nb]), acc2);
            acc3 = toFloat(dotGrouped(g1, g2, xq, x0 + 3 * k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + 3 * nb]), acc3);
            m0 = Math.fma(mw, xs[d0], m0);
            m1 = Math.fma(mw, xs[d0 + nb], m1);
            m2 = Math.fma(mw, xs[d0 + 2 * nb], m2);
            m3 = Math.fma(mw, xs[d0 + 3 * nb], m3);
        }
        out[outIndex] = hsum(acc0) + m0;
        out[outIndex + outStride] = hsum(acc1) + m1;
        out[outIndex + 2 * outStride] = hsum(acc2) + m2;
        out[outIndex + 3 * outStride] = hsum(acc3) + m3;
    }
}
