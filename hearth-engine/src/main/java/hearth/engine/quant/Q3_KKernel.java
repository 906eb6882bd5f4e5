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

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q3_K: super-blocks of 256 values, 110 bytes: {@code uint8 hmask[32]} at +0, {@code uint8 qs[64]} at +32, 12 bytes
 * of packed 6-bit scales (16 groups of 16 values) at +96, {@code fp16 d} at +108. In half h, 32-value slice j (0..3)
 * takes bits 2j..2j+1 of qs[32h + l] as the low bits and bit 4h+j of hmask[l] as the third bit; value =
 * d * (scale - 32) * (low - (bit set ? 0 : 4)). Dot with Q8_K: (d * d_x) * sum_g (scale_g - 32) * isum_g.
 */
final class Q3_KKernel extends TiledKernel {
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
        int word = switch (g >> 2) {
            case 0 -> (a0 & KMASK2) | ((tmp & KMASK1) << 4);
            case 1 -> (a1 & KMASK2) | (((tmp >>> 2) & KMASK1) << 4);
            case 2 -> ((a0 >>> 4) & KMASK2) | (((tmp >>> 4) & KMASK1) << 4);
            default -> ((a1 >>> 4) & KMASK2) | (((tmp >>> 6) & KMASK1) << 4);
        };
        return (word >>> (8 * (g & 3)) & 0xff) - 32;
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
}
