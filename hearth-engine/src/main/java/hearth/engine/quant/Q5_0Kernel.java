package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.bitsClear;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.hsum8;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q5_0: blocks of 32 values, 22 bytes: {@code fp16 d} at +0, {@code uint32 qh} at +2 (bit j = 5th bit of value j),
 * {@code uint8 qs[16]} at +6. Value j (j < 16) is d * ((qs[j] & 15 | bit j << 4) - 16), value j + 16 is
 * d * ((qs[j] >> 4 | bit (j+16) << 4) - 16). Dot with Q8_0 activations.
 */
final class Q5_0Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    private static int value(MemorySegment w, long o, int qh, int j) {
        int q = u8(w, o + 6 + (j & 15));
        int nib = j < 16 ? q & 15 : q >> 4;
        return (nib | ((qh >>> j) & 1) << 4) - 16;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o);
            int qh = w.get(U32, o + 2);
            for (int j = 0; j < BLOCK; j++) dst[dstOffset + b * BLOCK + j] = value(w, o, qh, j) * d;
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int qh = w.get(U32, o + 2);
            int xi = t * a.k + b * BLOCK;
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) isum += value(w, o, qh, j) * a.q[xi + j];
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
    }

    /** (nibble | high bit << 4) - 16 = nibble - 16 where the high bit is clear. */
    private static ShortVector lo(ShortVector s, int qh) {
        return s.and((short) 15).add(bitsClear(qh).lanewise(VectorOperators.LSHL, 4));
    }

    private static ShortVector hi(ShortVector s, int qh) {
        return s.lanewise(VectorOperators.ASHR, 4).and((short) 15).add(bitsClear(qh >>> 16).lanewise(VectorOperators.LSHL, 4));
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
            ShortVector s = shorts(w, o + 6);
            int qh = w.get(U32, o + 2);
            acc = toFloat(dot32(lo(s, qh), hi(s, qh), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
        }
        return hsum(acc);
    }

    // Row micro-kernels. They form ggml's int lanes (AVX2 lane j = elements 4j..4j+3, in natural order; dot holds the
    // same lanes in Simd.dot32's order) from weights split into even and odd elements, times the activations in
    // Activations.qeo's order: short lane l of we holds element 2l, of wo element 2l+1, so int lane j of the products
    // sums elements 4j..4j+3. Element e < 16 is the low nibble of quant byte e, element e + 16 its high nibble. With
    // the 16 quant bytes in both 128-bit halves, int lane j holds bytes 4(j % 4) .. 4(j % 4)+3, and one shift per lane
    // (by 0 for lanes 0..3, 4 for 4..7: low or high nibbles) plus a mask leaves the even elements 4j and 4j+2 in its
    // two shorts; 8 and 12 the odd ones. Fifth bits: qh shifted per lane puts bits 4j, 4j+1 at 14, 15 and bits 4j+2,
    // 4j+3 at 16, 17 of int lane j; one short test each, and 16 comes off where the bit is clear. The floats follow
    // dot: one fused multiply-add per block, Simd.hsum8 (the natural-order hsum) at the end.
    //
    // Each weight row (pair) is one call of a method with scalar arguments only (pair1, row4): called thousands of times
    // per mat-mul, it is C2-compiled early and as a unit of its own. A single method that also holds the row loop is
    // called a few times per token, runs long in on-stack-replacement code with vector loop variables, and is one big
    // compile; in the real pipeline that version showed boxed vectors in its block loop in some runs (JFR). An odd
    // last row goes through pair1 twice over instead of a tail loop, which would be compiled without a profile.

    @Override
    boolean rowKernels() {
        return true;
    }

    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    /** Copies the 16 quant bytes (4 int lanes) into both halves. */
    private static final VectorShuffle<Integer> BOTH_HALVES = VectorShuffle.fromValues(I256, 0, 1, 2, 3, 0, 1, 2, 3);
    /** Per int lane: where the nibbles of the even elements sit (low nibbles for lanes 0..3, high for 4..7). */
    private static final IntVector EVEN_SHIFT = IntVector.fromArray(I256, new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    private static final IntVector ODD_SHIFT = IntVector.fromArray(I256, new int[] {8, 8, 8, 8, 12, 12, 12, 12}, 0);
    /** Shifts (left, then right) that bring qh bits 4j and 4j+2 to bits 14 and 16 of int lane j. */
    private static final IntVector QH_LEFT = IntVector.fromArray(I256, new int[] {14, 10, 6, 2, 0, 0, 0, 0}, 0);
    private static final IntVector QH_RIGHT = IntVector.fromArray(I256, new int[] {0, 0, 0, 0, 2, 6, 10, 14}, 0);
    /** Bit 14 of the low short, bit 0 of the high short (the even elements' fifth bits after the shifts); odd: 15, 1. */
    private static final int EVEN_BITS = 0x0001_4000, ODD_BITS = 0x0002_8000;
    private static final ShortVector SIXTEEN = ShortVector.broadcast(S256, (short) 16);

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        float[] h = new float[16];
        int r = rowFrom, oi = t * outStride;
        for (; r + 2 <= rowTo; r += 2) pair1(w, r * rowBytes, (r + 1) * rowBytes, a, t, h, out, oi + r, oi + r + 1);
        if (r < rowTo) pair1(w, r * rowBytes, r * rowBytes, a, t, h, out, oi + r, oi + r); // the last row twice
    }

    /** Weight rows at o0 and o1 times activation row t, into out[oi0] and out[oi1]; they share the activation loads. */
    private static void pair1(MemorySegment w, long o0, long o1, Activations a, int t, float[] h, float[] out, int oi0, int oi1) {
        int nb = a.k / BLOCK, xo = t * a.k, bo = t * nb;
        short[] xq = a.qeo;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
            int x = xo + b * BLOCK;
            ShortVector x1 = ShortVector.fromArray(S256, xq, x), x2 = ShortVector.fromArray(S256, xq, x + 16);
            float dx = xd[bo + b];
            IntVector s0 = ((IntVector) IntVector.fromMemorySegment(I128, w, o0 + 6, LE).reinterpretShape(I256, 0)).rearrange(BOTH_HALVES);
            IntVector s1 = ((IntVector) IntVector.fromMemorySegment(I128, w, o1 + 6, LE).reinterpretShape(I256, 0)).rearrange(BOTH_HALVES);
            IntVector qb0 = IntVector.broadcast(I256, w.get(U32, o0 + 2)).lanewise(LSHL, QH_LEFT).lanewise(LSHR, QH_RIGHT);
            IntVector qb1 = IntVector.broadcast(I256, w.get(U32, o1 + 2)).lanewise(LSHL, QH_LEFT).lanewise(LSHR, QH_RIGHT);
            ShortVector we0 = s0.lanewise(LSHR, EVEN_SHIFT).and(0x000f000f).reinterpretAsShorts()
                    .sub(SIXTEEN, qb0.and(EVEN_BITS).reinterpretAsShorts().compare(EQ, 0));
            ShortVector wo0 = s0.lanewise(LSHR, ODD_SHIFT).and(0x000f000f).reinterpretAsShorts()
                    .sub(SIXTEEN, qb0.and(ODD_BITS).reinterpretAsShorts().compare(EQ, 0));
            ShortVector we1 = s1.lanewise(LSHR, EVEN_SHIFT).and(0x000f000f).reinterpretAsShorts()
                    .sub(SIXTEEN, qb1.and(EVEN_BITS).reinterpretAsShorts().compare(EQ, 0));
            ShortVector wo1 = s1.lanewise(LSHR, ODD_SHIFT).and(0x000f000f).reinterpretAsShorts()
                    .sub(SIXTEEN, qb1.and(ODD_BITS).reinterpretAsShorts().compare(EQ, 0));
            IntVector p0 = we0.mul(x1).add(wo0.mul(x2)).reinterpretAsInts();
            IntVector p1 = we1.mul(x1).add(wo1.mul(x2)).reinterpretAsInts();
            p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16); // pair sums: exact, |sum of four| < 2^13
            p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            acc0 = ((FloatVector) p0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * dx), acc0);
            acc1 = ((FloatVector) p1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o1)) * dx), acc1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        out[oi0] = hsum8(h, 0);
        out[oi1] = hsum8(h, 8);
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        float[] h = new float[32];
        for (int r = rowFrom; r < rowTo; r++) row4(w, r * rowBytes, a, t, h, out, t * outStride + r, outStride);
    }

    /** Weight row at o times activation rows t .. t+3, into out[oi + u * outStride]: each block decoded once. */
    private static void row4(MemorySegment w, long o, Activations a, int t, float[] h, float[] out, int oi, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qeo;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++, o += BYTES) {
            IntVector s = ((IntVector) IntVector.fromMemorySegment(I128, w, o + 6, LE).reinterpretShape(I256, 0)).rearrange(BOTH_HALVES);
            IntVector qb = IntVector.broadcast(I256, w.get(U32, o + 2)).lanewise(LSHL, QH_LEFT).lanewise(LSHR, QH_RIGHT);
            ShortVector we = s.lanewise(LSHR, EVEN_SHIFT).and(0x000f000f).reinterpretAsShorts()
                    .sub(SIXTEEN, qb.and(EVEN_BITS).reinterpretAsShorts().compare(EQ, 0));
            ShortVector wo = s.lanewise(LSHR, ODD_SHIFT).and(0x000f000f).reinterpretAsShorts()
                    .sub(SIXTEEN, qb.and(ODD_BITS).reinterpretAsShorts().compare(EQ, 0));
            float dw = Float.float16ToFloat(w.get(U16, o));
            int x = t * k + b * BLOCK, d = t * nb + b;
            IntVector p0 = we.mul(ShortVector.fromArray(S256, xq, x)).add(wo.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
            IntVector p1 = we.mul(ShortVector.fromArray(S256, xq, x + k)).add(wo.mul(ShortVector.fromArray(S256, xq, x + k + 16))).reinterpretAsInts();
            IntVector p2 = we.mul(ShortVector.fromArray(S256, xq, x + 2 * k)).add(wo.mul(ShortVector.fromArray(S256, xq, x + 2 * k + 16))).reinterpretAsInts();
            IntVector p3 = we.mul(ShortVector.fromArray(S256, xq, x + 3 * k)).add(wo.mul(ShortVector.fromArray(S256, xq, x + 3 * k + 16))).reinterpretAsInts();
            p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            p2 = p2.add(p2.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            p3 = p3.add(p3.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            acc0 = ((FloatVector) p0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dw * xd[d]), acc0);
            acc1 = ((FloatVector) p1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dw * xd[d + nb]), acc1);
            acc2 = ((FloatVector) p2.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dw * xd[d + 2 * nb]), acc2);
            acc3 = ((FloatVector) p3.convert(I2F, 0)).fma(FloatVector.broadcast(F256, dw * xd[d + 3 * nb]), acc3);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        acc2.intoArray(h, 16);
        acc3.intoArray(h, 24);
        out[oi] = hsum8(h, 0);
        out[oi + outStride] = hsum8(h, 8);
        out[oi + 2 * outStride] = hsum8(h, 16);
        out[oi + 3 * outStride] = hsum8(h, 24);
    }
}
