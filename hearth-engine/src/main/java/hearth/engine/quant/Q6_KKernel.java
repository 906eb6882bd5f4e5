package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.dot16;
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

    /** Unsigned 6-bit value (0..63): low nibble already isolated, high bits taken from qh at bit position 2*s. */
    private static ShortVector join(ShortVector low, ShortVector h, int s) {
        ShortVector hb = switch (s) {
            case 0 -> h.lanewise(VectorOperators.LSHL, 4);
            case 1 -> h.lanewise(VectorOperators.LSHL, 2);
            case 2 -> h;
            default -> h.lanewise(VectorOperators.ASHR, 2);
        };
        return low.or(hb.and((short) 0x30));
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.q;
        int[] bsums = a.bsums;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            // sum of (q - 32) * x = sum q * x - 32 * sum x; the second part comes from the activation block sums
            int offsetSum = 0;
            for (int g = 0; g < 16; g++) offsetSum += s8(w, o + 192 + g) * bsums[bi * 16 + g];
            IntVector isum = IntVector.zero(I256);
            for (int h = 0; h < 2; h++) {
                long ql = o + 64L * h, qh = o + 128 + 32L * h, sc = o + 192 + 8L * h;
                int x = xi + 128 * h;
                ShortVector qa = shorts(w, ql), qb = shorts(w, ql + 16), qc = shorts(w, ql + 32), qd = shorts(w, ql + 48);
                ShortVector ha = shorts(w, qh), hb = shorts(w, qh + 16);
                ShortVector m = ShortVector.broadcast(Simd.S256, (short) 15);
                isum = isum.add(dot16(join(qa.and(m), ha, 0), xq, x).mul(s8(w, sc)))
                        .add(dot16(join(qb.and(m), hb, 0), xq, x + 16).mul(s8(w, sc + 1)))
                        .add(dot16(join(qc.and(m), ha, 1), xq, x + 32).mul(s8(w, sc + 2)))
                        .add(dot16(join(qd.and(m), hb, 1), xq, x + 48).mul(s8(w, sc + 3)))
                        .add(dot16(join(qa.lanewise(VectorOperators.ASHR, 4).and(m), ha, 2), xq, x + 64).mul(s8(w, sc + 4)))
                        .add(dot16(join(qb.lanewise(VectorOperators.ASHR, 4).and(m), hb, 2), xq, x + 80).mul(s8(w, sc + 5)))
                        .add(dot16(join(qc.lanewise(VectorOperators.ASHR, 4).and(m), ha, 3), xq, x + 96).mul(s8(w, sc + 6)))
                        .add(dot16(join(qd.lanewise(VectorOperators.ASHR, 4).and(m), hb, 3), xq, x + 112).mul(s8(w, sc + 7)));
            }
            isum = isum.sub(IntVector.zero(I256).withLane(0, 32 * offsetSum));
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, fp16(w, o + 208) * a.d[bi]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
