package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.U32;
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
 * Q3_K: super-blocks of 256 values, 110 bytes: {@code uint8 hmask[32]} at +0, {@code uint8 qs[64]} at +32, 12 bytes
 * of packed 6-bit scales (16 groups of 16 values) at +96, {@code fp16 d} at +108. In half h, 32-value slice j (0..3)
 * takes bits 2j..2j+1 of qs[32h + l] as the low bits and bit 4h+j of hmask[l] as the third bit; value =
 * d * (scale - 32) * (low - (bit set ? 0 : 4)). Dot with Q8_K: (d * d_x) * sum_g (scale_g - 32) * isum_g.
 */
final class Q3_KKernel extends QeoRowKernel {
    static final int BLOCK = 256, BYTES = 110;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** Scale of group g (0..15) minus 32: 4 low bits from bytes 0..7, 2 high bits from bytes 8..11. */
    static int scale(MemorySegment w, long scales, int g) {
        int low = g < 8 ? u8(w, scales + g) & 15 : u8(w, scales + g - 8) >> 4;
        int high = (u8(w, scales + 8 + g % 4) >> (2 * (g / 4))) & 3;
        return (low | high << 4) - 32;
    }

    /** Value i (0..255) of the super-block at o, signed (-4..3). */
    private static int value(MemorySegment w, long o, int i) {
        int h = i / 128, j = (i % 128) / 32, l = i % 32;
        int low = (u8(w, o + 32 + 32 * h + l) >> (2 * j)) & 3;
        boolean bit = ((u8(w, o + l) >> (4 * h + j)) & 1) != 0;
        return low - (bit ? 0 : 4);
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o + 108);
            for (int i = 0; i < BLOCK; i++) dst[dstOffset + b * BLOCK + i] = d * scale(w, o + 96, i / 16) * value(w, o, i);
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
            for (int g = 0; g < 16; g++) {
                int sub = 0;
                for (int l = 0; l < 16; l++) sub += value(w, o, 16 * g + l) * a.q[xi + 16 * g + l];
                isum += scale(w, o + 96, g) * sub;
            }
            sum += fp16(w, o + 108) * a.d[t * nb + b] * isum;
        }
        return sum;
    }

    private static final int KMASK1 = 0x03030303, KMASK2 = 0x0f0f0f0f;

    /** Scale of group g minus 32, from the 12 scale bytes read as three little-endian ints (ggml's aux shuffle). */
    private static int scale(int a0, int a1, int tmp, int g) {
        return (word(a0, a1, tmp, g >> 2) >>> (8 * (g & 3)) & 0xff) - 32;
    }

    /** Word i (0..3) of the unpacked scales: byte l is the scale of group 4i + l, plus 32. */
    private static int word(int a0, int a1, int tmp, int i) {
        return switch (i) {
            case 0 -> (a0 & KMASK2) | ((tmp & KMASK1) << 4);
            case 1 -> (a1 & KMASK2) | (((tmp >>> 2) & KMASK1) << 4);
            case 2 -> ((a0 >>> 4) & KMASK2) | (((tmp >>> 4) & KMASK1) << 4);
            default -> ((a1 >>> 4) & KMASK2) | (((tmp >>> 6) & KMASK1) << 4);
        };
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            int a0 = w.get(U32, o + 96), a1 = w.get(U32, o + 100), tmp = w.get(U32, o + 104);
            IntVector isum = IntVector.zero(I256);
            // like ggml, per 32 values (groups 2c and 2c+1): sum of (q - 4) * x in groups of four, times the scales
            for (int c = 0; c < 8; c++) {
                ShortVector lo = group(w, o, 2 * c).sub((short) 4), hi = group(w, o, 2 * c + 1).sub((short) 4);
                IntVector sc = halfScales(scale(a0, a1, tmp, 2 * c), scale(a0, a1, tmp, 2 * c + 1));
                isum = isum.add(dot32(lo, hi, xq, xi + 32 * c).mul(sc));
            }
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, a.d[bi] * fp16(w, o + 108)), acc);
        }
        return hsum(acc);
    }

    /** Group g (16 values) unsigned (0..7): 2 bits from qs, third bit from hmask. */
    static ShortVector group(MemorySegment w, long o, int g) {
        int h = g >> 3, j = (g >> 1) & 3, part = g & 1;
        ShortVector low = shorts(w, o + 32 + 32 * h + 16 * part).lanewise(VectorOperators.ASHR, 2 * j).and((short) 3);
        ShortVector high = shorts(w, o + 16 * part).lanewise(VectorOperators.ASHR, 4 * h + j).and((short) 1);
        return low.or(high.lanewise(VectorOperators.LSHL, 2));
    }

    // Row kernels: two weight rows per pass, read straight from the file. A 32-value slice c (half h = c / 4, j = c % 4)
    // is qs[32h ..] bits 2j..2j+1 and hmask[0 ..] bit 4h + j, value m of the slice in byte m of both: the 32 bytes are
    // read as 16 short lanes (bytes 2i, 2i+1), so shifts and masks in the int view give the even and the odd values
    // (Activations.qeo's order), short lane i then holds the products of values 2i and 2i + 1 and int lane l sums
    // values 4l..4l+3: ggml's AVX2 lanes, whose float sum Simd.hsum8 takes as dot's hsum does. Lanes 0..3 are group 2c,
    // 4..7 group 2c + 1: one scale each. (Before these, Q3_K mat-vecs took dot per row, whose vector helpers C2 boxed:
    // 2048 x 8192 in 9-15 ms on one thread, a young collection every few calls.)

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        inPairs(Q3_KKernel::pair, false, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    /** Int lanes 4..7: the second group of a 32-value slice. */
    private static final VectorMask<Integer> SECOND_HALF = VectorMask.fromLong(I256, 0xf0);

    /** Rows w0, w1 with activation row t: float accumulators to h[0..8) and h[8..16). */
    private static void pair(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h) {
        short[] x = a.qeo;
        int k = a.k, nb = k / BLOCK;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        for (int b = 0; b < nb; b++) {
            int o = b * BYTES, xi = t * k + b * BLOCK;
            // the scales as four words of four bytes (ggml's aux shuffle), per row, unpacked once per super-block
            int a0 = w0.get(U32, o + 96), a1 = w0.get(U32, o + 100), tmp = w0.get(U32, o + 104);
            int sa0 = word(a0, a1, tmp, 0), sa1 = word(a0, a1, tmp, 1), sa2 = word(a0, a1, tmp, 2), sa3 = word(a0, a1, tmp, 3);
            int b0 = w1.get(U32, o + 96), b1 = w1.get(U32, o + 100), tmq = w1.get(U32, o + 104);
            int sb0 = word(b0, b1, tmq, 0), sb1 = word(b0, b1, tmq, 1), sb2 = word(b0, b1, tmq, 2), sb3 = word(b0, b1, tmq, 3);
            IntVector hm0 = ShortVector.fromMemorySegment(S256, w0, o, LE).reinterpretAsInts();
            IntVector hm1 = ShortVector.fromMemorySegment(S256, w1, o, LE).reinterpretAsInts();
            IntVector hl0 = hm0.lanewise(LSHL, 2), hl1 = hm1.lanewise(LSHL, 2); // the even bytes' bits, 2 higher
            IntVector is0 = IntVector.zero(I256), is1 = is0;
            for (int c = 0; c < 8; c++) {
                int j = c & 3, q2 = 2 * j, hb = 4 * (c >> 2) + j, i = xi + 32 * c, sh = 16 * (c & 1);
                int wa = c < 2 ? sa0 : c < 4 ? sa1 : c < 6 ? sa2 : sa3, wb = c < 2 ? sb0 : c < 4 ? sb1 : c < 6 ? sb2 : sb3;
                ShortVector xe = ShortVector.fromArray(S256, x, i), xo = ShortVector.fromArray(S256, x, i + 16);
                IntVector q = ShortVector.fromMemorySegment(S256, w0, o + 32 + 32 * (c >> 2), LE).reinterpretAsInts();
                IntVector p = ((ShortVector) q.lanewise(LSHR, q2).and(0x00030003).or(hl0.lanewise(LSHR, hb).and(0x00040004))
                        .reinterpretAsShorts()).sub((short) 4).mul(xe)
                        .add(((ShortVector) q.lanewise(LSHR, q2 + 8).and(0x00030003).or(hm0.lanewise(LSHR, hb + 6).and(0x00040004))
                                .reinterpretAsShorts()).sub((short) 4).mul(xo)).reinterpretAsInts();
                IntVector sc = IntVector.broadcast(I256, ((wa >>> sh) & 0xff) - 32)
                        .blend(IntVector.broadcast(I256, ((wa >>> sh + 8) & 0xff) - 32), SECOND_HALF);
                is0 = is0.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
                q = ShortVector.fromMemorySegment(S256, w1, o + 32 + 32 * (c >> 2), LE).reinterpretAsInts();
                p = ((ShortVector) q.lanewise(LSHR, q2).and(0x00030003).or(hl1.lanewise(LSHR, hb).and(0x00040004))
                        .reinterpretAsShorts()).sub((short) 4).mul(xe)
                        .add(((ShortVector) q.lanewise(LSHR, q2 + 8).and(0x00030003).or(hm1.lanewise(LSHR, hb + 6).and(0x00040004))
                                .reinterpretAsShorts()).sub((short) 4).mul(xo)).reinterpretAsInts();
                sc = IntVector.broadcast(I256, ((wb >>> sh) & 0xff) - 32).blend(IntVector.broadcast(I256, ((wb >>> sh + 8) & 0xff) - 32), SECOND_HALF);
                is1 = is1.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
            }
            float dx = a.d[t * nb + b];
            acc0 = ((FloatVector) is0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w0.get(U16, o + 108))), acc0);
            acc1 = ((FloatVector) is1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w1.get(U16, o + 108))), acc1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
    }
}
