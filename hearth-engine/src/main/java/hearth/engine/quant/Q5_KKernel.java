package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.dot32;
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

    /** Values l .. l+15 (l = 0 or 16) of sub-block j, unsigned 5-bit. */
    static ShortVector sub(MemorySegment w, long o, int j, int l) {
        ShortVector low = shorts(w, o + 48 + 32 * (j >> 1) + l).lanewise(VectorOperators.ASHR, 4 * (j & 1)).and((short) 15);
        ShortVector high = shorts(w, o + 16 + l).lanewise(VectorOperators.ASHR, j).and((short) 1);
        return low.or(high.lanewise(VectorOperators.LSHL, 4));
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        FloatVector acc = FloatVector.zero(F256);
        float summs = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            int u0 = w.get(U32, o + 4), u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
            int sc0 = u0 & KMASK1, sc1 = (u2 & KMASK2) | (((u0 >>> 6) & KMASK3) << 4);
            int m0 = u1 & KMASK1, m1 = ((u2 >>> 4) & KMASK2) | (((u1 >>> 6) & KMASK3) << 4);
            IntVector isum = IntVector.zero(I256);
            int msum = 0;
            for (int j = 0; j < 8; j++) {
                int sh = 8 * (j & 3);
                int sc = ((j < 4 ? sc0 : sc1) >>> sh) & 0xff, m = ((j < 4 ? m0 : m1) >>> sh) & 0xff;
                msum += m * (a.bsums[bi * 16 + 2 * j] + a.bsums[bi * 16 + 2 * j + 1]);
                isum = isum.add(dot32(sub(w, o, j, 0), sub(w, o, j, 16), xq, xi + 32 * j).mul(sc));
            }
            float dx = a.d[bi];
            // ggml: summs += dmin * msum with dmin = -d_x * dmin_w, fused by gcc
            summs = Math.fma(-dx * fp16(w, o + 2), (float) msum, summs);
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, dx * fp16(w, o)), acc);
        }
        return hsum(acc) + summs;
    }
}
