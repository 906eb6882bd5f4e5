package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.halfScales;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.s8;
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
 * Q6_K: super-blocks of 256 values, 210 bytes: {@code uint8 ql[128]} (low 4 bits) at +0, {@code uint8 qh[64]}
 * (high 2 bits) at +128, {@code int8 scales[16]} (one per 16 values) at +192, {@code fp16 d} at +208.
 * Each half h of 128 values uses ql[64h..], qh[32h..]: for l < 32, values l, l+32, l+64, l+96 take the low nibble of
 * ql[l], low nibble of ql[l+32], high nibble of ql[l], high nibble of ql[l+32], with bits 0-1, 2-3, 4-5, 6-7 of qh[l]
 * on top; value = d * scale * (q - 32). Dot with Q8_K: (d * d_x) * sum_g scale_g * isum_g.
 */
final class Q6_KKernel extends TiledKernel {
    static final int BLOCK = 256, BYTES = 210;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** Value i (0..255) of the super-block at o, signed (-32..31), before scaling. */
    private static int value(MemorySegment w, long o, int i) {
        int h = i / 128, r = i % 128, quarter = r / 32, l = r % 32;
        int ql = u8(w, o + 64 * h + l + (quarter & 1) * 32);
        int low = quarter < 2 ? ql & 15 : ql >> 4;
        int high = (u8(w, o + 128 + 32 * h + l) >> (2 * quarter)) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o + 208);
            for (int i = 0; i < BLOCK; i++) dst[dstOffset + b * BLOCK + i] = d * s8(w, o + 192 + i / 16) * value(w, o, i);
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
                isum += s8(w, o + 192 + g) * sub;
            }
            sum += fp16(w, o + 208) * a.d[t * nb + b] * isum;
        }
        return sum;
    }

    /**
     * Group g (16 values) of the super-block at o as unsigned 6-bit values (0..63). Group g lies in half g / 8,
     * quarter (g % 8) / 2, and its 16 bytes of ql/qh start at 16 * (g % 2) within that quarter's 32.
     */
    static ShortVector group(MemorySegment w, long o, int g) {
        int h = g >> 3, quarter = (g >> 1) & 3, part = g & 1;
        ShortVector low = shorts(w, o + 64 * h + 32 * (quarter & 1) + 16 * part).lanewise(VectorOperators.ASHR, 4 * (quarter >> 1)).and((short) 15);
        ShortVector high = shorts(w, o + 128 + 32 * h + 16 * part).lanewise(VectorOperators.ASHR, 2 * quarter).and((short) 3);
        return low.or(high.lanewise(VectorOperators.LSHL, 4));
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
            IntVector isum = IntVector.zero(I256);
            // like ggml, per 32 values (groups 2c and 2c+1): sum of (q - 32) * x in groups of four, times the scales
            for (int c = 0; c < 8; c++) {
                ShortVector lo = group(w, o, 2 * c).sub((short) 32), hi = group(w, o, 2 * c + 1).sub((short) 32);
                isum = isum.add(dot32(lo, hi, xq, xi + 32 * c).mul(halfScales(s8(w, o + 192 + 2 * c), s8(w, o + 193 + 2 * c))));
            }
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, a.d[bi] * fp16(w, o + 208)), acc);
        }
        return hsum(acc);
    }
}
