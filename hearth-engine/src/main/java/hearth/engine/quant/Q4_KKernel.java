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

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

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
}
