package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
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
 * Q4_1: blocks of 32 values, 20 bytes: {@code fp16 d} at +0, {@code fp16 m} at +2, {@code uint8 qs[16]} at +4.
 * Value j (j < 16) is d * (qs[j] & 15) + m, value j + 16 is d * (qs[j] >> 4) + m. Dot with Q8_1 activations:
 * sum of (d_w * d_x) * isum + m * s_x, where s_x = fp16(d_x * sum of the block's activation quants).
 */
final class Q4_1Kernel extends QeoRowKernel {
    static final int BLOCK = 32, BYTES = 20;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_1;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o), m = fp16(w, o + 2);
            int y = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, o + 4 + j);
                dst[y + j] = (q & 15) * d + m;
                dst[y + j + 16] = (q >> 4) * d + m;
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
                int q = u8(w, o + 4 + j);
                isum += (q & 15) * a.q[xi + j] + (q >> 4) * a.q[xi + j + 16];
            }
            sum += (fp16(w, o) * a.d[t * nb + b]) * isum + fp16(w, o + 2) * a.s[t * nb + b];
        }
        return sum;
    }

    private static ShortVector lo(ShortVector s) {
        return s.and((short) 15);
    }

    private static ShortVector hi(ShortVector s) {
        return s.lanewise(VectorOperators.ASHR, 4).and((short) 15);
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
            ShortVector s = shorts(w, o + 4);
            acc = toFloat(dot32(lo(s), hi(s), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
            mins = Math.fma(fp16(w, o + 2), xs[bo + b], mins); // gcc contracts ggml's summs += m * s
        }
        return hsum(acc) + mins;
    }

    // Row kernels (Q5_1's too, with its fifth bits): the nibbles as bytes in ggml's lane order (Simd.nibbleBytes,
    // Simd.fifthBits), their shorts split into even and odd elements against Activations.qeo; the same int lanes,
    // fused multiply-adds and scalar mins as dot, so the same outputs bit for bit. rows4 decodes each weight row once
    // for its four activation rows.

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        inPairs((w0, w1, x, u, h) -> pair(w0, w1, x, u, h, BYTES, 4, -1), true, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        rows4(w, rowBytes, rowFrom, rowTo, a, t, out, outStride, BYTES, 4, -1);
    }

    /**
     * The value bytes of the block at o (byte m of int lane j: element 4j+m): the nibbles of the 16 quant bytes at
     * o + qs, with the fifth bits of the word at o + qh on bit 4 when qh >= 0 (Q5_1).
     */
    private static IntVector values(MemorySegment w, long o, int qs, int qh) {
        IntVector v = Simd.nibbleBytes(w, o + qs);
        return qh < 0 ? v : v.or(Simd.fifthBits(w.get(U32, o + qh)));
    }

    /**
     * Rows w0 and w1 (slices) with activation row t, blocks of {@code bytes} with d at +0, m at +2, the quants at
     * +qs and fifth bits at +qh (none when qh < 0): float lanes to h[0..8) and h[8..16), mins to h[16], h[17].
     */
    static void pair(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h, int bytes, int qs, int qh) {
        short[] x = a.qeo;
        float[] xd = a.d, xs = a.s;
        int k = a.k, nb = k / BLOCK, xo = t * k, bo = t * nb;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        float m0 = 0, m1 = 0;
        for (int b = 0, o = 0; b < nb; b++, o += bytes) {
            int xi = xo + b * BLOCK;
            ShortVector xe = ShortVector.fromArray(S256, x, xi), xodd = ShortVector.fromArray(S256, x, xi + 16);
            float dx = xd[bo + b], sx = xs[bo + b];
            IntVector q0 = values(w0, o, qs, qh), q1 = values(w1, o, qs, qh);
            IntVector p0 = q0.and(0x00ff_00ff).reinterpretAsShorts().mul(xe)
                    .add(q0.reinterpretAsShorts().lanewise(LSHR, 8).mul(xodd)).reinterpretAsInts();
            IntVector p1 = q1.and(0x00ff_00ff).reinterpretAsShorts().mul(xe)
                    .add(q1.reinterpretAsShorts().lanewise(LSHR, 8).mul(xodd)).reinterpretAsInts();
            p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16); // pair sums: exact, |sum of four| < 2^15
            p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w0.get(U16, o)) * dx), acc0);
            acc1 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w1.get(U16, o)) * dx), acc1);
            m0 = Math.fma(Float.float16ToFloat(w0.get(U16, o + 2)), sx, m0);
            m1 = Math.fma(Float.float16ToFloat(w1.get(U16, o + 2)), sx, m1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        h[16] = m0;
        h[17] = m1;
    }

    /** rows4 for blocks laid out as in {@link #pair}: each weight row decoded once, then dotDecoded per activation row. */
    static void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride,
            int bytes, int qs, int qh) {
        int nb = a.k / BLOCK;
        short[] q = new short[a.k];
        float[] d = new float[nb], m = new float[nb], h = new float[8];
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            for (int b = 0; b < nb; b++, o += bytes) {
                IntVector v = values(w, o, qs, qh);
                v.and(0x00ff_00ff).reinterpretAsShorts().intoArray(q, b * BLOCK);
                v.reinterpretAsShorts().lanewise(LSHR, 8).intoArray(q, b * BLOCK + 16);
                d[b] = Float.float16ToFloat(w.get(U16, o));
                m[b] = Float.float16ToFloat(w.get(U16, o + 2));
            }
            for (int u = t; u < t + 4; u++) out[u * outStride + r] = dotDecoded(q, d, m, a, u, h);
        }
    }

    /**
     * A decoded row (per block the 16 even values, then the 16 odd ones, as shorts; scales d, mins m) with activation
     * row u: pair's operations for one row, in its order.
     */
    private static float dotDecoded(short[] q, float[] d, float[] m, Activations a, int u, float[] h) {
        short[] x = a.qeo;
        float[] xd = a.d, xs = a.s;
        int k = a.k, nb = k / BLOCK, xo = u * k, bo = u * nb;
        FloatVector acc = FloatVector.zero(F256);
        float mins = 0;
        for (int b = 0, i = 0; b < nb; b++, i += BLOCK) {
            IntVector p = ShortVector.fromArray(S256, q, i).mul(ShortVector.fromArray(S256, x, xo + i))
                    .add(ShortVector.fromArray(S256, q, i + 16).mul(ShortVector.fromArray(S256, x, xo + i + 16))).reinterpretAsInts();
            p = p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16); // pair sums: exact, |sum of four| < 2^15
            acc = ((FloatVector) p.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, d[b] * xd[bo + b]), acc);
            mins = Math.fma(m[b], xs[bo + b], mins);
        }
        acc.intoArray(h, 0);
        return Simd.hsum8(h, 0) + mins;
    }
}
