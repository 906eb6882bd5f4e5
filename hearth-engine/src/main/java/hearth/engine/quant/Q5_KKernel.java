package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
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
 * Q5_K: super-blocks of 256 values, 176 bytes: {@code fp16 d} at +0, {@code fp16 dmin} at +2, 12 bytes of 6-bit
 * scales/mins at +4 (packed as in Q4_K), {@code uint8 qh[32]} at +16, {@code uint8 qs[128]} at +48. Low 4 bits as in
 * Q4_K; the 5th bit of value l of sub-block j is bit j of qh[l]. Value = d * sc_j * q - dmin * m_j. Dot with Q8_K.
 */
final class Q5_KKernel extends TiledKernel {
    static final int BLOCK = 256, BYTES = 176;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** Value l (0..31) of sub-block j (0..7) of the super-block at o, before scale and min. */
    private static int value(MemorySegment w, long o, int j, int l) {
        int q = u8(w, o + 48 + 32 * (j / 2) + l);
        int nib = (j & 1) == 0 ? q & 15 : q >> 4;
        return nib | ((u8(w, o + 16 + l) >> j) & 1) << 4;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o), dmin = fp16(w, o + 2);
            for (int j = 0; j < 8; j++) {
                float dj = d * Q4_KKernel.scaleMin(w, o + 4, j, 0), mj = dmin * Q4_KKernel.scaleMin(w, o + 4, j, 1);
                for (int l = 0; l < 32; l++) dst[dstOffset + b * BLOCK + 32 * j + l] = dj * value(w, o, j, l) - mj;
            }
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int xi = t * a.k + b * BLOCK, bi = t * nb + b;
            int isum = 0, msum = 0;
            for (int j = 0; j < 8; j++) {
                int sub = 0;
                for (int l = 0; l < 32; l++) sub += value(w, o, j, l) * a.q[xi + 32 * j + l];
                isum += Q4_KKernel.scaleMin(w, o + 4, j, 0) * sub;
                msum += Q4_KKernel.scaleMin(w, o + 4, j, 1) * (a.bsums[bi * 16 + 2 * j] + a.bsums[bi * 16 + 2 * j + 1]);
            }
            float dx = a.d[bi];
            sum += fp16(w, o) * dx * isum - fp16(w, o + 2) * dx * msum;
        }
        return sum;
    }

    private static final int KMASK1 = 0x3f3f3f3f, KMASK2 = 0x0f0f0f0f, KMASK3 = 0x03030303;

    /** Bit {@code bit} of each widened qh byte, moved to bit 4 (value 16). */
    private static ShortVector high(ShortVector h, int bit) {
        return h.lanewise(VectorOperators.ASHR, bit).and((short) 1).lanewise(VectorOperators.LSHL, 4);
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.q;
        int[] bsums = a.bsums;
        FloatVector acc = FloatVector.zero(F256);
        float mins = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            int u0 = w.get(U32, o + 4), u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
            int sc0 = u0 & KMASK1, sc1 = (u2 & KMASK2) | (((u0 >>> 6) & KMASK3) << 4);
            int m0 = u1 & KMASK1, m1 = ((u2 >>> 4) & KMASK2) | (((u1 >>> 6) & KMASK3) << 4);
            int bs = bi * 16;
            int msum = (m0 & 0xff) * (bsums[bs] + bsums[bs + 1]) + (m0 >>> 8 & 0xff) * (bsums[bs + 2] + bsums[bs + 3])
                    + (m0 >>> 16 & 0xff) * (bsums[bs + 4] + bsums[bs + 5]) + (m0 >>> 24) * (bsums[bs + 6] + bsums[bs + 7])
                    + (m1 & 0xff) * (bsums[bs + 8] + bsums[bs + 9]) + (m1 >>> 8 & 0xff) * (bsums[bs + 10] + bsums[bs + 11])
                    + (m1 >>> 16 & 0xff) * (bsums[bs + 12] + bsums[bs + 13]) + (m1 >>> 24) * (bsums[bs + 14] + bsums[bs + 15]);
            ShortVector h0 = shorts(w, o + 16), h1 = shorts(w, o + 32);
            IntVector isum = IntVector.zero(I256);
            for (int c = 0; c < 4; c++) {
                long qo = o + 48 + 32L * c;
                ShortVector s0 = shorts(w, qo), s1 = shorts(w, qo + 16);
                int sc = c < 2 ? sc0 >>> (16 * c) : sc1 >>> (16 * (c - 2));
                IntVector lo = dot32(s0.and((short) 15).or(high(h0, 2 * c)), s1.and((short) 15).or(high(h1, 2 * c)), xq, xi + 64 * c);
                IntVector hi = dot32(s0.lanewise(VectorOperators.ASHR, 4).and((short) 15).or(high(h0, 2 * c + 1)),
                        s1.lanewise(VectorOperators.ASHR, 4).and((short) 15).or(high(h1, 2 * c + 1)), xq, xi + 64 * c + 32);
                isum = isum.add(lo.mul(sc & 0xff)).add(hi.mul(sc >>> 8 & 0xff));
            }
            float dx = a.d[bi];
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, fp16(w, o) * dx), acc);
            mins += fp16(w, o + 2) * dx * msum;
        }
        return acc.reduceLanes(VectorOperators.ADD) - mins;
    }
}
