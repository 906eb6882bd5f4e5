package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

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
final class Q5_KKernel extends QeoRowKernel {
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
            long scw = Q4_KKernel.scales(w, o), mw = Q4_KKernel.mins(w, o);
            IntVector isum = IntVector.zero(I256);
            int msum = 0;
            for (int j = 0; j < 8; j++) {
                int sc = (int) (scw >>> 8 * j) & 0xff, m = (int) (mw >>> 8 * j) & 0xff;
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

    // Row kernels: two weight rows per pass, read straight from the file, as Q4_KKernel's pair (its lanes, ggml's, so
    // that Simd.hsum8 gives dot's sum), with the fifth bits: qh[l] holds bit j of value l of sub-block j, and the 32 qh
    // bytes are read as 16 short lanes like the quants, so one shift and a mask per value set move bit 2c or 2c + 1 of
    // each byte to bit 4. The mins in one scalar per row, as dot takes them. Every activation row goes through rows1
    // (before these, Q5_K mat-vecs took dot per row and ran at under 1 GB/s: 2048 x 8192 in 13 ms on one thread).

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        inPairs(Q5_KKernel::pair, true, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    /** Rows w0, w1 with activation row t: float accumulators to h[0..8), h[8..16), the mins sums to h[16], h[17]. */
    private static void pair(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h) {
        short[] x = a.qeo;
        int[] bsums = a.bsums;
        int k = a.k, nb = k / BLOCK;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        float summs0 = 0, summs1 = 0;
        for (int b = 0; b < nb; b++) {
            int o = b * BYTES, bi = t * nb + b, xi = t * k + b * BLOCK;
            long sa = Q4_KKernel.scales(w0, o), sb = Q4_KKernel.scales(w1, o);
            long ma = Q4_KKernel.mins(w0, o), mb = Q4_KKernel.mins(w1, o);
            IntVector qh0 = ShortVector.fromMemorySegment(S256, w0, o + 16, LE).reinterpretAsInts();
            IntVector qh1 = ShortVector.fromMemorySegment(S256, w1, o + 16, LE).reinterpretAsInts();
            IntVector ql0 = qh0.lanewise(LSHL, 4), ql1 = qh1.lanewise(LSHL, 4); // the even bytes' bits, 4 higher
            IntVector is0 = IntVector.zero(I256), is1 = is0;
            for (int c = 0; c < 4; c++) {
                int i = xi + 64 * c, sh = 16 * c, j = 2 * c; // sub-blocks 2c and 2c + 1: scale bytes 2c, 2c + 1
                ShortVector xe = ShortVector.fromArray(S256, x, i), xo = ShortVector.fromArray(S256, x, i + 16);
                ShortVector ye = ShortVector.fromArray(S256, x, i + 32), yo = ShortVector.fromArray(S256, x, i + 48);
                IntVector q = ShortVector.fromMemorySegment(S256, w0, o + 48 + 32 * c, LE).reinterpretAsInts();
                IntVector p = q.and(0x000f000f).or(ql0.lanewise(LSHR, j).and(0x00100010)).reinterpretAsShorts().mul(xe)
                        .add(q.lanewise(LSHR, 8).and(0x000f000f).or(qh0.lanewise(LSHR, j + 4).and(0x00100010)).reinterpretAsShorts().mul(xo))
                        .reinterpretAsInts();
                is0 = is0.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sa >>> sh) & 0xff));
                p = q.lanewise(LSHR, 4).and(0x000f000f).or(ql0.lanewise(LSHR, j + 1).and(0x00100010)).reinterpretAsShorts().mul(ye)
                        .add(q.lanewise(LSHR, 12).and(0x000f000f).or(qh0.lanewise(LSHR, j + 5).and(0x00100010)).reinterpretAsShorts().mul(yo))
                        .reinterpretAsInts();
                is0 = is0.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sa >>> sh + 8) & 0xff));
                q = ShortVector.fromMemorySegment(S256, w1, o + 48 + 32 * c, LE).reinterpretAsInts();
                p = q.and(0x000f000f).or(ql1.lanewise(LSHR, j).and(0x00100010)).reinterpretAsShorts().mul(xe)
                        .add(q.lanewise(LSHR, 8).and(0x000f000f).or(qh1.lanewise(LSHR, j + 4).and(0x00100010)).reinterpretAsShorts().mul(xo))
                        .reinterpretAsInts();
                is1 = is1.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sb >>> sh) & 0xff));
                p = q.lanewise(LSHR, 4).and(0x000f000f).or(ql1.lanewise(LSHR, j + 1).and(0x00100010)).reinterpretAsShorts().mul(ye)
                        .add(q.lanewise(LSHR, 12).and(0x000f000f).or(qh1.lanewise(LSHR, j + 5).and(0x00100010)).reinterpretAsShorts().mul(yo))
                        .reinterpretAsInts();
                is1 = is1.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sb >>> sh + 8) & 0xff));
            }
            float dx = a.d[bi];
            acc0 = ((FloatVector) is0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w0.get(U16, o))), acc0);
            acc1 = ((FloatVector) is1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w1.get(U16, o))), acc1);
            int msum0 = 0, msum1 = 0;
            for (int jj = 0; jj < 8; jj++) {
                int sum = bsums[bi * 16 + 2 * jj] + bsums[bi * 16 + 2 * jj + 1];
                msum0 += (int) (ma >>> 8 * jj & 0xff) * sum;
                msum1 += (int) (mb >>> 8 * jj & 0xff) * sum;
            }
            summs0 = Math.fma(-dx * Float.float16ToFloat(w0.get(U16, o + 2)), (float) msum0, summs0);
            summs1 = Math.fma(-dx * Float.float16ToFloat(w1.get(U16, o + 2)), (float) msum1, summs1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        h[16] = summs0;
        h[17] = summs1;
    }
}
