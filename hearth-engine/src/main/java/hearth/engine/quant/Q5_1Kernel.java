package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.bitsSet;
import static hearth.engine.quant.Simd.dot32;
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
final class Q5_1Kernel extends QeoRowKernel {
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

    // Row kernels: Q4_1's (the same block layout but for the fifth bits at +4 and the quants at +8), with nibble + 16 *
    // fifth bit in each value byte.

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        inPairs((w0, w1, x, u, h) -> Q4_1Kernel.pair(w0, w1, x, u, h, BYTES, 8, 4), true, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        Q4_1Kernel.rows4(w, rowBytes, rowFrom, rowTo, a, t, out, outStride, BYTES, 8, 4);
    }
}
