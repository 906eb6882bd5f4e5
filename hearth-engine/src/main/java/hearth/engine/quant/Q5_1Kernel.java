package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.bitsSet;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
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

    /** nibble | high bit << 4. */
    private static ShortVector lo(ShortVector s, int qh) {
        return s.and((short) 15).or(bitsSet(qh).and((short) 16));
    }

    private static ShortVector hi(ShortVector s, int qh) {
        return Simd.highNibbles(s).or(bitsSet(qh >>> 16).and((short) 16));
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.q;
        float[] xd = a.d, xs = a.s;
        int xo = t * a.k, bo = t * nb;
        FloatVector acc = FloatVector.zero(F256), other = acc;
        float mins = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 8);
            int qh = w.get(U32, o + 4);
            FloatVector next = toFloat(dot32(lo(s, qh), hi(s, qh), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
            acc = other;
            other = next;
            mins += fp16(w, o + 2) * xs[bo + b];
        }
        return acc.add(other).reduceLanes(VectorOperators.ADD) + mins;
    }

    /** Single dots: the two-row micro-kernel of this type exceeds C2's inlining budget and runs slower. */
    @Override
    int tile() {
        return 1;
    }

    @Override
    void dot2(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.q;
        float[] xd = a.d, xs = a.s;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        float m0 = 0, m1 = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 8);
            int qh = w.get(U32, o + 4);
            ShortVector lo = lo(s, qh), hi = hi(s, qh);
            float dw = fp16(w, o), mw = fp16(w, o + 2);
            int x0 = t * k + b * BLOCK, d0 = t * nb + b;
            acc0 = toFloat(dot32(lo, hi, xq, x0)).fma(FloatVector.broadcast(F256, dw * xd[d0]), acc0);
            acc1 = toFloat(dot32(lo, hi, xq, x0 + k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + nb]), acc1);
            m0 += mw * xs[d0];
            m1 += mw * xs[d0 + nb];
        }
        out[outIndex] = acc0.reduceLanes(VectorOperators.ADD) + m0;
        out[outIndex + outStride] = acc1.reduceLanes(VectorOperators.ADD) + m1;
    }
}
