package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.halfScales;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.fp16;
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
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Q2_K: super-blocks of 256 values, 84 bytes: {@code uint8 scales[16]} at +0 (low nibble: scale, high nibble: min of
 * each group of 16 values), {@code uint8 qs[64]} at +16, {@code fp16 d} at +80, {@code fp16 dmin} at +82. In half h,
 * 32-value slice j (0..3) takes bits 2j..2j+1 of qs[32h + l]; value = d * scale * q - dmin * min.
 * Dot with Q8_K: (d_x * d) * sum_g scale_g * isum_g - (d_x * dmin) * sum_g min_g * bsum_g.
 */
final class Q2_KKernel extends QeoRowKernel {
    static final int BLOCK = 256, BYTES = 84;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    private static int value(MemorySegment w, long o, int i) {
        int h = i / 128, j = (i % 128) / 32, l = i % 32;
        return (u8(w, o + 16 + 32 * h + l) >> (2 * j)) & 3;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o + 80), dmin = fp16(w, o + 82);
            for (int i = 0; i < BLOCK; i++) {
                int sc = u8(w, o + i / 16);
                dst[dstOffset + b * BLOCK + i] = d * (sc & 15) * value(w, o, i) - dmin * (sc >> 4);
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
            for (int g = 0; g < 16; g++) {
                int sc = u8(w, o + g), sub = 0;
                for (int l = 0; l < 16; l++) sub += value(w, o, 16 * g + l) * a.q[xi + 16 * g + l];
                isum += (sc & 15) * sub;
                msum += (sc >> 4) * a.bsums[bi * 16 + g];
            }
            float dx = a.d[bi];
            sum += dx * fp16(w, o + 80) * isum - dx * fp16(w, o + 82) * msum;
        }
        return sum;
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        int[] bsums = a.bsums;
        int[] mins = new int[8]; // per call, not per block
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            // ggml lane i first accumulates dmin * (min_2i * bsum_2i + min_2i+1 * bsum_2i+1), in our lane order
            for (int l = 0; l < 8; l++) {
                int i = Simd.GGML_LANE[l];
                mins[l] = (u8(w, o + 2 * i) >> 4) * bsums[bi * 16 + 2 * i] + (u8(w, o + 2 * i + 1) >> 4) * bsums[bi * 16 + 2 * i + 1];
            }
            IntVector isum = IntVector.zero(I256);
            for (int c = 0; c < 8; c++) {
                IntVector sc = halfScales(u8(w, o + 2 * c) & 15, u8(w, o + 2 * c + 1) & 15);
                isum = isum.add(dot32(group(w, o, 2 * c), group(w, o, 2 * c + 1), xq, xi + 32 * c).mul(sc));
            }
            float dx = a.d[bi];
            FloatVector dmin = FloatVector.broadcast(F256, -dx * fp16(w, o + 82));
            acc = toFloat(IntVector.fromArray(I256, mins, 0)).fma(dmin, acc);
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, dx * fp16(w, o + 80)), acc);
        }
        return hsum(acc);
    }

    /** Group g (16 values): bits 2j..2j+1 of qs[32h + 16 * (g % 2) ..], j = slice of the group within its half. */
    static ShortVector group(MemorySegment w, long o, int g) {
        int h = g >> 3, j = (g >> 1) & 3, part = g & 1;
        return shorts(w, o + 16 + 32 * h + 16 * part).lanewise(VectorOperators.ASHR, 2 * j).and((short) 3);
    }

    // Row kernels: two weight rows per pass, read straight from the file, as Q3_KKernel's (qs as short lanes, the even
    // and odd values by shift and mask in the int view, ggml's lanes; lanes 0..3 group 2c, 4..7 group 2c + 1). The
    // mins go into the same accumulator first, lane l taking groups 2l and 2l + 1 as in dot (ggml's lane order here,
    // natural for Simd.hsum8). Before these, Q2_K mat-vecs took dot per row: 2048 x 8192 in 6-9 ms on one thread.

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int[] mins = new int[16];
        inPairs((w0, w1, x, u, h) -> pair(w0, w1, x, u, h, mins), false, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    /** Int lanes 4..7: the second group of a 32-value slice. */
    private static final VectorMask<Integer> SECOND_HALF = VectorMask.fromLong(I256, 0xf0);

    /** Rows w0, w1 with activation row t: float accumulators to h[0..8) and h[8..16); mins: scratch for 16 ints. */
    private static void pair(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h, int[] mins) {
        short[] x = a.qeo;
        int[] bsums = a.bsums;
        int k = a.k, nb = k / BLOCK;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        for (int b = 0; b < nb; b++) {
            int o = b * BYTES, bi = t * nb + b, xi = t * k + b * BLOCK;
            for (int l = 0; l < 8; l++) {
                int s0 = bsums[bi * 16 + 2 * l], s1 = bsums[bi * 16 + 2 * l + 1];
                mins[l] = (u8(w0, o + 2 * l) >> 4) * s0 + (u8(w0, o + 2 * l + 1) >> 4) * s1;
                mins[8 + l] = (u8(w1, o + 2 * l) >> 4) * s0 + (u8(w1, o + 2 * l + 1) >> 4) * s1;
            }
            IntVector is0 = IntVector.zero(I256), is1 = is0;
            for (int c = 0; c < 8; c++) {
                int sh = 2 * (c & 3), i = xi + 32 * c, so = o + 16 + 32 * (c >> 2);
                int wa = w0.get(U16, o + 2 * c), wb = w1.get(U16, o + 2 * c); // the scale bytes of groups 2c, 2c + 1
                ShortVector xe = ShortVector.fromArray(S256, x, i), xo = ShortVector.fromArray(S256, x, i + 16);
                IntVector q = ShortVector.fromMemorySegment(S256, w0, so, LE).reinterpretAsInts();
                IntVector p = q.lanewise(LSHR, sh).and(0x00030003).reinterpretAsShorts().mul(xe)
                        .add(q.lanewise(LSHR, sh + 8).and(0x00030003).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                IntVector sc = IntVector.broadcast(I256, wa & 15).blend(IntVector.broadcast(I256, (wa >> 8) & 15), SECOND_HALF);
                is0 = is0.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
                q = ShortVector.fromMemorySegment(S256, w1, so, LE).reinterpretAsInts();
                p = q.lanewise(LSHR, sh).and(0x00030003).reinterpretAsShorts().mul(xe)
                        .add(q.lanewise(LSHR, sh + 8).and(0x00030003).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                sc = IntVector.broadcast(I256, wb & 15).blend(IntVector.broadcast(I256, (wb >> 8) & 15), SECOND_HALF);
                is1 = is1.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
            }
            float dx = a.d[bi];
            acc0 = ((FloatVector) IntVector.fromArray(I256, mins, 0).convertShape(I2F, F256, 0))
                    .fma(FloatVector.broadcast(F256, -dx * Float.float16ToFloat(w0.get(U16, o + 82))), acc0);
            acc1 = ((FloatVector) IntVector.fromArray(I256, mins, 8).convertShape(I2F, F256, 0))
                    .fma(FloatVector.broadcast(F256, -dx * Float.float16ToFloat(w1.get(U16, o + 82))), acc1);
            acc0 = ((FloatVector) is0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w0.get(U16, o + 80))), acc0);
            acc1 = ((FloatVector) is1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w1.get(U16, o + 80))), acc1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
    }
}
