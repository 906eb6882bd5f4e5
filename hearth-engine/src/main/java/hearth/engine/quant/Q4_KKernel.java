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
import static hearth.engine.quant.Simd.hsum8;
import static hearth.engine.quant.Simd.L256;
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
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q4_K: super-blocks of 256 values, 144 bytes: {@code fp16 d} at +0, {@code fp16 dmin} at +2, 12 bytes of packed 6-bit
 * scales/mins for 8 sub-blocks of 32 at +4, {@code uint8 qs[128]} at +16. Sub-block j has scale sc_j and min m_j;
 * bytes 32c..32c+31 of qs hold sub-block 2c in their low nibbles and 2c+1 in their high nibbles.
 * Value = d * sc_j * q - dmin * m_j. Dot with Q8_K activations:
 * (d * d_x) * sum_j sc_j * isum_j - (dmin * d_x) * sum_j m_j * (sum of the sub-block's activation quants).
 */
final class Q4_KKernel extends TiledKernel {
    static final int BLOCK = 256, BYTES = 144;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** ggml's get_scale_min_k4: 6-bit scale (which = 0) or min (which = 1) of sub-block j from the 12 packed bytes. */
    static int scaleMin(MemorySegment w, long scales, int j, int which) {
        if (j < 4) return u8(w, scales + j + 4L * which) & 63;
        int low = which == 0 ? u8(w, scales + j + 4) & 15 : u8(w, scales + j + 4) >> 4;
        return low | (u8(w, scales + j - 4 + 4L * which) >> 6) << 4;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o), dmin = fp16(w, o + 2);
            int y = dstOffset + b * BLOCK;
            for (int c = 0; c < 4; c++) {
                float d1 = d * scaleMin(w, o + 4, 2 * c, 0), m1 = dmin * scaleMin(w, o + 4, 2 * c, 1);
                float d2 = d * scaleMin(w, o + 4, 2 * c + 1, 0), m2 = dmin * scaleMin(w, o + 4, 2 * c + 1, 1);
                for (int l = 0; l < 32; l++) {
                    int q = u8(w, o + 16 + 32 * c + l);
                    dst[y + 64 * c + l] = d1 * (q & 15) - m1;
                    dst[y + 64 * c + 32 + l] = d2 * (q >> 4) - m2;
                }
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
                for (int l = 0; l < 32; l++) {
                    int q = u8(w, o + 16 + 32 * (j / 2) + l);
                    sub += ((j & 1) == 0 ? q & 15 : q >> 4) * a.q[xi + 32 * j + l];
                }
                isum += scaleMin(w, o + 4, j, 0) * sub;
                msum += scaleMin(w, o + 4, j, 1) * (a.bsums[bi * 16 + 2 * j] + a.bsums[bi * 16 + 2 * j + 1]);
            }
            float dx = a.d[bi];
            sum += fp16(w, o) * dx * isum - fp16(w, o + 2) * dx * msum;
        }
        return sum;
    }

    private static final int KMASK1 = 0x3f3f3f3f, KMASK2 = 0x0f0f0f0f, KMASK3 = 0x03030303;

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        FloatVector acc = FloatVector.zero(F256);
        // ggml's 4-lane acc_m: lane i accumulates dmin * (min_2i * sum_2i + min_2i+1 * sum_2i+1), sums over 32 values
        float am0 = 0, am1 = 0, am2 = 0, am3 = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            // unpack the 8 scales into sc0/sc1 and the 8 mins into m0/m1, one byte each (ggml's utmp shuffle)
            int u0 = w.get(U32, o + 4), u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
            int sc0 = u0 & KMASK1, sc1 = (u2 & KMASK2) | (((u0 >>> 6) & KMASK3) << 4);
            int m0 = u1 & KMASK1, m1 = ((u2 >>> 4) & KMASK2) | (((u1 >>> 6) & KMASK3) << 4);
            IntVector isum = IntVector.zero(I256);
            int ms0 = 0, ms1 = 0, ms2 = 0, ms3 = 0;
            for (int j = 0; j < 8; j++) {
                int sh = 8 * (j & 3);
                int sc = ((j < 4 ? sc0 : sc1) >>> sh) & 0xff, m = ((j < 4 ? m0 : m1) >>> sh) & 0xff;
                int mins = m * (a.bsums[bi * 16 + 2 * j] + a.bsums[bi * 16 + 2 * j + 1]);
                switch (j >> 1) {
                    case 0 -> ms0 += mins;
                    case 1 -> ms1 += mins;
                    case 2 -> ms2 += mins;
                    default -> ms3 += mins;
                }
                isum = isum.add(dot32(sub(w, o, j, 0), sub(w, o, j, 16), xq, xi + 32 * j).mul(sc));
            }
            float dx = a.d[bi];
            float dmin = -dx * fp16(w, o + 2);
            am0 = Math.fma(dmin, ms0, am0);
            am1 = Math.fma(dmin, ms1, am1);
            am2 = Math.fma(dmin, ms2, am2);
            am3 = Math.fma(dmin, ms3, am3);
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, dx * fp16(w, o)), acc);
        }
        return hsum(acc) + ((am0 + am2) + (am1 + am3));
    }

    /** Values l .. l+15 (l = 0 or 16) of sub-block j: nibble (j & 1) of qs[32 * (j / 2) + l ..]. */
    static ShortVector sub(MemorySegment w, long o, int j, int l) {
        return shorts(w, o + 16 + 32 * (j >> 1) + l).lanewise(VectorOperators.ASHR, 4 * (j & 1)).and((short) 15);
    }

    // Row micro-kernels. A pair of sub-blocks (2c, 2c+1) is 32 quant bytes, loaded as 16 short lanes (bytes 2i, 2i+1
    // in lane i): the low nibbles of the even and odd bytes are sub-block 2c's even and odd elements, the high nibbles
    // sub-block 2c+1's, four shift-and-masks with no widening conversion. Times the activations in even/odd order
    // (Activations.qeo), short lane i holds the products of elements 2i and 2i+1, and int lane j sums elements
    // 4j..4j+3: ggml's AVX2 lane j, so the float accumulator takes ggml's operations and Simd.hsum8 its sum. The mins
    // term runs in vector lanes too: the 8 mins times the activations' 32-value sums (precomputed per call), pairs of
    // sub-blocks added, one fused multiply-add per super-block in the lanes of ggml's acc_m.
    //
    // As in Q5_0Kernel, each weight row (pair) is one call of a method with scalar arguments only (pair1, row4), so
    // that it is compiled early and on its own, and an odd last row goes through pair1 twice over.

    @Override
    boolean rowKernels() {
        return true;
    }

    /** Int lane l takes min (l >> 1) + 4 * (l & 1) out of the two packed words (m0 in even lanes, m1 in odd). */
    private static final IntVector MIN_SHIFT = IntVector.fromArray(I256, new int[] {0, 0, 8, 8, 16, 16, 24, 24}, 0);
    /** Adds the lanes of mins 2c and 2c+1: lanes 0, 4, 1, 5 end up holding acc_m lanes 0, 1, 2, 3. */
    private static final VectorShuffle<Integer> MIN_PAIRS = VectorShuffle.fromValues(I256, 2, 3, 0, 1, 6, 7, 4, 5);

    /**
     * Sums of the 32 activation quants of each sub-block for activation rows t .. t+n-1, at [(u * nb + b) * 8 + l] in
     * the mins' lane order (see {@link #MIN_SHIFT}).
     */
    private static int[] subBlockSums(Activations a, int t, int n) {
        int nb = a.k / BLOCK;
        int[] s = new int[n * nb * 8];
        for (int u = 0; u < n; u++) {
            for (int b = 0; b < nb; b++) {
                int bs = ((t + u) * nb + b) * 16, o = (u * nb + b) * 8;
                for (int l = 0; l < 8; l++) {
                    int j = (l >> 1) + 4 * (l & 1);
                    s[o + l] = a.bsums[bs + 2 * j] + a.bsums[bs + 2 * j + 1];
                }
            }
        }
        return s;
    }

    /** The 8 packed 6-bit scales of the super-block at o, one a byte (ggml's utmp[0..1]). */
    private static long scales(MemorySegment w, long o) {
        int u0 = w.get(U32, o + 4), u2 = w.get(U32, o + 12);
        int lo = u0 & KMASK1, hi = (u2 & KMASK2) | (((u0 >>> 6) & KMASK3) << 4);
        return ((long) hi << 32) | (lo & 0xffffffffL);
    }

    /** The 8 packed 6-bit mins, one a byte (ggml's utmp[2..3]). */
    private static long mins(MemorySegment w, long o) {
        int u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
        int lo = u1 & KMASK1, hi = ((u2 >>> 4) & KMASK2) | (((u1 >>> 6) & KMASK3) << 4);
        return ((long) hi << 32) | (lo & 0xffffffffL);
    }

    private static float minsTotal(float[] h, int o) {
        return (h[o] + h[o + 1]) + (h[o + 4] + h[o + 5]);
    }

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int[] xs = subBlockSums(a, t, 1);
        float[] h = new float[32];
        int r = rowFrom, oi = t * outStride;
        for (; r + 2 <= rowTo; r += 2) pair1(w, r * rowBytes, (r + 1) * rowBytes, a, t, xs, h, out, oi + r, oi + r + 1);
        if (r < rowTo) pair1(w, r * rowBytes, r * rowBytes, a, t, xs, h, out, oi + r, oi + r); // the last row twice
    }

    /**
     * Weight rows at o0 and o1 times activation row t (sub-block sums xs), into out[oi0] and out[oi1]; they share the
     * activation loads.
     */
    private static void pair1(MemorySegment w, long o0, long o1, Activations a, int t, int[] xs, float[] h, float[] out, int oi0, int oi1) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qeo;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, am0 = acc0, am1 = acc0;
        for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
            long scl0 = scales(w, o0), scl1 = scales(w, o1);
            IntVector is0 = IntVector.zero(I256), is1 = is0;
            for (int c = 0; c < 4; c++) {
                int x = t * k + b * BLOCK + 64 * c;
                ShortVector xe0 = ShortVector.fromArray(S256, xq, x), xo0 = ShortVector.fromArray(S256, xq, x + 16);
                ShortVector xe1 = ShortVector.fromArray(S256, xq, x + 32), xo1 = ShortVector.fromArray(S256, xq, x + 48);
                IntVector s0 = ShortVector.fromMemorySegment(S256, w, o0 + 16 + 32 * c, LE).reinterpretAsInts();
                IntVector s1 = ShortVector.fromMemorySegment(S256, w, o1 + 16 + 32 * c, LE).reinterpretAsInts();
                IntVector p0 = s0.and(0x000f000f).reinterpretAsShorts().mul(xe0)
                        .add(s0.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().mul(xo0)).reinterpretAsInts();
                IntVector q0 = s0.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().mul(xe1)
                        .add(s0.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().mul(xo1)).reinterpretAsInts();
                IntVector p1 = s1.and(0x000f000f).reinterpretAsShorts().mul(xe0)
                        .add(s1.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().mul(xo0)).reinterpretAsInts();
                IntVector q1 = s1.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().mul(xe1)
                        .add(s1.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().mul(xo1)).reinterpretAsInts();
                // pair sums (exact: |sum of four| < 2^13) times the sub-block scales
                is0 = is0.add(p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (scl0 >>> 16 * c) & 0xff))
                        .add(q0.add(q0.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (scl0 >>> 16 * c + 8) & 0xff));
                is1 = is1.add(p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (scl1 >>> 16 * c) & 0xff))
                        .add(q1.add(q1.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (scl1 >>> 16 * c + 8) & 0xff));
            }
            float dx = a.d[t * nb + b];
            IntVector xsum = IntVector.fromArray(I256, xs, b * 8);
            IntVector ms0 = LongVector.broadcast(L256, mins(w, o0)).reinterpretAsInts().lanewise(LSHR, MIN_SHIFT).and(0xff).mul(xsum);
            IntVector ms1 = LongVector.broadcast(L256, mins(w, o1)).reinterpretAsInts().lanewise(LSHR, MIN_SHIFT).and(0xff).mul(xsum);
            ms0 = ms0.add(ms0.rearrange(MIN_PAIRS));
            ms1 = ms1.add(ms1.rearrange(MIN_PAIRS));
            am0 = ((FloatVector) ms0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, -dx * Float.float16ToFloat(w.get(U16, o0 + 2))), am0);
            am1 = ((FloatVector) ms1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, -dx * Float.float16ToFloat(w.get(U16, o1 + 2))), am1);
            acc0 = ((FloatVector) is0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w.get(U16, o0))), acc0);
            acc1 = ((FloatVector) is1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w.get(U16, o1))), acc1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        am0.intoArray(h, 16);
        am1.intoArray(h, 24);
        out[oi0] = hsum8(h, 0) + minsTotal(h, 16);
        out[oi1] = hsum8(h, 8) + minsTotal(h, 24);
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int[] xs = subBlockSums(a, t, 4);
        float[] h = new float[64];
        for (int r = rowFrom; r < rowTo; r++) row4(w, r * rowBytes, a, t, xs, h, out, t * outStride + r, outStride);
    }

    /** Weight row at o times activation rows t .. t+3, into out[oi + u * outStride]: each super-block decoded once. */
    private static void row4(MemorySegment w, long o, Activations a, int t, int[] xs, float[] h, float[] out, int oi, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qeo;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        FloatVector am0 = acc0, am1 = acc0, am2 = acc0, am3 = acc0;
        for (int b = 0; b < nb; b++, o += BYTES) {
            long scl = scales(w, o);
            IntVector is0 = IntVector.zero(I256), is1 = is0, is2 = is0, is3 = is0;
            for (int c = 0; c < 4; c++) {
                IntVector s = ShortVector.fromMemorySegment(S256, w, o + 16 + 32 * c, LE).reinterpretAsInts();
                ShortVector we0 = s.and(0x000f000f).reinterpretAsShorts(), wo0 = s.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts();
                ShortVector we1 = s.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts(), wo1 = s.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts();
                IntVector sa = IntVector.broadcast(I256, (int) (scl >>> 16 * c) & 0xff), sb = IntVector.broadcast(I256, (int) (scl >>> 16 * c + 8) & 0xff);
                int x = t * k + b * BLOCK + 64 * c;
                IntVector p0 = we0.mul(ShortVector.fromArray(S256, xq, x)).add(wo0.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                IntVector q0 = we1.mul(ShortVector.fromArray(S256, xq, x + 32)).add(wo1.mul(ShortVector.fromArray(S256, xq, x + 48))).reinterpretAsInts();
                is0 = is0.add(p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sa)).add(q0.add(q0.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sb));
                x += k;
                IntVector p1 = we0.mul(ShortVector.fromArray(S256, xq, x)).add(wo0.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                IntVector q1 = we1.mul(ShortVector.fromArray(S256, xq, x + 32)).add(wo1.mul(ShortVector.fromArray(S256, xq, x + 48))).reinterpretAsInts();
                is1 = is1.add(p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sa)).add(q1.add(q1.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sb));
                x += k;
                IntVector p2 = we0.mul(ShortVector.fromArray(S256, xq, x)).add(wo0.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                IntVector q2 = we1.mul(ShortVector.fromArray(S256, xq, x + 32)).add(wo1.mul(ShortVector.fromArray(S256, xq, x + 48))).reinterpretAsInts();
                is2 = is2.add(p2.add(p2.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sa)).add(q2.add(q2.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sb));
                x += k;
                IntVector p3 = we0.mul(ShortVector.fromArray(S256, xq, x)).add(wo0.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                IntVector q3 = we1.mul(ShortVector.fromArray(S256, xq, x + 32)).add(wo1.mul(ShortVector.fromArray(S256, xq, x + 48))).reinterpretAsInts();
                is3 = is3.add(p3.add(p3.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sa)).add(q3.add(q3.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sb));
            }
            float dw = Float.float16ToFloat(w.get(U16, o)), dm = Float.float16ToFloat(w.get(U16, o + 2));
            IntVector mv = LongVector.broadcast(L256, mins(w, o)).reinterpretAsInts().lanewise(LSHR, MIN_SHIFT).and(0xff);
            int d = t * nb + b, xb = b * 8;
            IntVector ms0 = mv.mul(IntVector.fromArray(I256, xs, xb)), ms1 = mv.mul(IntVector.fromArray(I256, xs, xb + nb * 8));
            IntVector ms2 = mv.mul(IntVector.fromArray(I256, xs, xb + 2 * nb * 8)), ms3 = mv.mul(IntVector.fromArray(I256, xs, xb + 3 * nb * 8));
            ms0 = ms0.add(ms0.rearrange(MIN_PAIRS));
            ms1 = ms1.add(ms1.rearrange(MIN_PAIRS));
            ms2 = ms2.add(ms2.rearrange(MIN_PAIRS));
            ms3 = ms3.add(ms3.rearrange(MIN_PAIRS));
            float dx0 = xd[d], dx1 = xd[d + nb], dx2 = xd[d + 2 * nb], dx3 = xd[d + 3 * nb];
            am0 = ((FloatVector) ms0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, -dx0 * dm), am0);
            am1 = ((FloatVector) ms1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, -dx1 * dm), am1);
            am2 = ((FloatVector) ms2.convert(I2F, 0)).fma(FloatVector.broadcast(F256, -dx2 * dm), am2);
            am3 = ((FloatVector) ms3.convert(I2F, 0)).fma(FloatVector.broadcast(F256, -dx3 * dm), am3);
            acc0 = ((FloatVector) is0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dx0 * dw), acc0);
            acc1 = ((FloatVector) is1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dx1 * dw), acc1);
            acc2 = ((FloatVector) is2.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dx2 * dw), acc2);
            acc3 = ((FloatVector) is3.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dx3 * dw), acc3);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        acc2.intoArray(h, 16);
        acc3.intoArray(h, 24);
        am0.intoArray(h, 32);
        am1.intoArray(h, 40);
        am2.intoArray(h, 48);
        am3.intoArray(h, 56);
        out[oi] = hsum8(h, 0) + minsTotal(h, 32);
        out[oi + outStride] = hsum8(h, 8) + minsTotal(h, 40);
        out[oi + 2 * outStride] = hsum8(h, 16) + minsTotal(h, 48);
        out[oi + 3 * outStride] = hsum8(h, 24) + minsTotal(h, 56);
    }
}
