package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.bitsClear;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.dotGrouped;
import static hearth.engine.quant.Simd.grouped1;
import static hearth.engine.quant.Simd.grouped2;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

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

    @Override
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 6);
            int qh = w.get(U32, o + 2);
            ShortVector lo = lo(s, qh), hi = hi(s, qh);
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

    // Row micro-kernels: dot's int lanes (Simd.dot32, ggml's groups of four) without the blends and permute of its
    // helpers. With the 16 quant bytes widened to short lanes s (lane j: element j in the low nibble, j + 16 in the
    // high one), grouped1 is int lane i of s at nibble i & 1, and grouped2 the same of s with neighbouring int lanes
    // swapped; one shift of the 32-bit lanes by a per-lane count moves the nibble of both short halves down. Short
    // lane l of grouped1 holds element l + 16 * (l >> 1 & 1), of grouped2 element l + 2 (l % 4 < 2) or l + 14: their
    // fifth bits are gathered into two 16-bit masks (bits1, bits2) and spread over the lanes as -16 where clear. The
    // floats follow dot: one fused multiply-add per block, Simd.hsum's order at the end.

    @Override
    boolean rowKernels() {
        return true;
    }

    /** Per int lane: shift 0 (even lanes take the low nibble) or 4 (odd lanes the high nibble). */
    private static final IntVector NIBBLE_SHIFT = IntVector.fromArray(I256, new int[] {0, 4, 0, 4, 0, 4, 0, 4}, 0);
    private static final VectorShuffle<Integer> SWAP_PAIRS = VectorShuffle.fromValues(I256, 1, 0, 3, 2, 5, 4, 7, 6);
    private static final ShortVector LANE_BITS;

    static {
        short[] bits = new short[16];
        for (int j = 0; j < 16; j++) bits[j] = (short) (1 << j);
        LANE_BITS = ShortVector.fromArray(S256, bits, 0);
    }

    /** Fifth bits of grouped1's elements: bit l for short lane l. */
    private static int bits1(int qh) {
        return (qh & 0x3333) | ((qh >>> 16) & 0xCCCC);
    }

    /** Fifth bits of grouped2's elements. */
    private static int bits2(int qh) {
        return ((qh >>> 2) & 0x3333) | ((qh >>> 14) & 0xCCCC);
    }

    /** Simd.hsum of 8 floats stored at h[o ..]. */
    private static float hsumGrouped(float[] h, int o) {
        return ((h[o] + h[o + 1]) + (h[o + 4] + h[o + 5])) + ((h[o + 2] + h[o + 3]) + (h[o + 6] + h[o + 7]));
    }

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK, xo = t * k, bo = t * nb;
        short[] xq = a.qg;
        float[] xd = a.d;
        float[] h = new float[16];
        int r = rowFrom;
        for (; r + 2 <= rowTo; r += 2) { // two weight rows share the activation loads; two independent chains
            long o0 = r * rowBytes, o1 = o0 + rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
            for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector x1 = ShortVector.fromArray(S256, xq, x), x2 = ShortVector.fromArray(S256, xq, x + 16);
                float dx = xd[bo + b];
                IntVector s0 = ((ShortVector) ByteVector.fromMemorySegment(B128, w, o0 + 6, LE).convertShape(B2S, S256, 0)).reinterpretAsInts();
                IntVector s1 = ((ShortVector) ByteVector.fromMemorySegment(B128, w, o1 + 6, LE).convertShape(B2S, S256, 0)).reinterpretAsInts();
                int qh0 = w.get(U32, o0 + 2), qh1 = w.get(U32, o1 + 2);
                ShortVector g10 = s0.lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits1(qh0)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                ShortVector g20 = s0.rearrange(SWAP_PAIRS).lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits2(qh0)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                ShortVector g11 = s1.lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits1(qh1)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                ShortVector g21 = s1.rearrange(SWAP_PAIRS).lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits2(qh1)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                IntVector p0 = g10.mul(x1).add(g20.mul(x2)).reinterpretAsInts();
                IntVector p1 = g11.mul(x1).add(g21.mul(x2)).reinterpretAsInts();
                p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16); // pair sums: exact, |sum of four| < 2^13
                p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                acc0 = ((FloatVector) p0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * dx), acc0);
                acc1 = ((FloatVector) p1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o1)) * dx), acc1);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            out[t * outStride + r] = hsumGrouped(h, 0);
            out[t * outStride + r + 1] = hsumGrouped(h, 8);
        }
        for (; r < rowTo; r++) {
            long o0 = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256);
            for (int b = 0; b < nb; b++, o0 += BYTES) {
                int x = xo + b * BLOCK;
                IntVector s0 = ((ShortVector) ByteVector.fromMemorySegment(B128, w, o0 + 6, LE).convertShape(B2S, S256, 0)).reinterpretAsInts();
                int qh0 = w.get(U32, o0 + 2);
                ShortVector g10 = s0.lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits1(qh0)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                ShortVector g20 = s0.rearrange(SWAP_PAIRS).lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits2(qh0)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                IntVector p0 = g10.mul(ShortVector.fromArray(S256, xq, x)).add(g20.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                acc0 = ((FloatVector) p0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * xd[bo + b]), acc0);
            }
            acc0.intoArray(h, 0);
            out[t * outStride + r] = hsumGrouped(h, 0);
        }
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        float[] h = new float[32];
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++, o += BYTES) {
                IntVector s = ((ShortVector) ByteVector.fromMemorySegment(B128, w, o + 6, LE).convertShape(B2S, S256, 0)).reinterpretAsInts();
                int qh = w.get(U32, o + 2);
                ShortVector g1 = s.lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits1(qh)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                ShortVector g2 = s.rearrange(SWAP_PAIRS).lanewise(LSHR, NIBBLE_SHIFT).reinterpretAsShorts().and((short) 15).or(((ShortVector)
                        ShortVector.broadcast(S256, (short) bits2(qh)).and(LANE_BITS).compare(EQ, 0).toVector()).and((short) -16));
                float dw = Float.float16ToFloat(w.get(U16, o));
                int x = t * k + b * BLOCK, d = t * nb + b;
                IntVector p0 = g1.mul(ShortVector.fromArray(S256, xq, x)).add(g2.mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                IntVector p1 = g1.mul(ShortVector.fromArray(S256, xq, x + k)).add(g2.mul(ShortVector.fromArray(S256, xq, x + k + 16))).reinterpretAsInts();
                IntVector p2 = g1.mul(ShortVector.fromArray(S256, xq, x + 2 * k)).add(g2.mul(ShortVector.fromArray(S256, xq, x + 2 * k + 16))).reinterpretAsInts();
                IntVector p3 = g1.mul(ShortVector.fromArray(S256, xq, x + 3 * k)).add(g2.mul(ShortVector.fromArray(S256, xq, x + 3 * k + 16))).reinterpretAsInts();
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
            out[t * outStride + r] = hsumGrouped(h, 0);
            out[(t + 1) * outStride + r] = hsumGrouped(h, 8);
            out[(t + 2) * outStride + r] = hsumGrouped(h, 16);
            out[(t + 3) * outStride + r] = hsumGrouped(h, 24);
        }
    }
}
