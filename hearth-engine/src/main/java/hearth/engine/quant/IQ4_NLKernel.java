package hearth.engine.quant;

import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.dotGrouped;
import static hearth.engine.quant.Simd.grouped1;
import static hearth.engine.quant.Simd.grouped2;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IQ4_NL: blocks of 32 values, 18 bytes laid out like Q4_0 ({@code fp16 d}, {@code uint8 qs[16]}), but each nibble
 * indexes a fixed non-linear table of 16 int8 levels: value j = d * LEVELS[nibble]. Dot with Q8_0 activations.
 */
final class IQ4_NLKernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 18;
    /** ggml's kvalues_iq4nl: the 16 levels, roughly uniform in a normal distribution's quantiles. */
    static final byte[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    private static final ByteVector TABLE = ByteVector.fromArray(B128, LEVELS, 0);

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o);
            int y = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, o + 2 + j);
                dst[y + j] = d * LEVELS[q & 15];
                dst[y + j + 16] = d * LEVELS[q >> 4];
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
                int q = u8(w, o + 2 + j);
                isum += LEVELS[q & 15] * a.q[xi + j] + LEVELS[q >> 4] * a.q[xi + j + 16];
            }
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
    }

    /** Table lookup of 16 nibble indices (a byte shuffle), widened to shorts. */
    private static ShortVector levels(ByteVector nibbles) {
        return (ShortVector) nibbles.selectFrom(TABLE).convertShape(VectorOperators.B2S, S256, 0);
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        int xo = t * a.k, bo = t * nb;
        // ggml's vec_dot (single rows) alternates two accumulators over the blocks and finishes an odd last block in
        // scalar code; tinyBLAS (batches) uses one accumulator
        FloatVector acc = FloatVector.zero(F256), acc2 = acc;
        int pairs = a.path == GgmlPath.SGEMM ? 0 : nb & ~1;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ByteVector q = ByteVector.fromMemorySegment(B128, w, o + 2, LE);
            ShortVector lo = levels(q.and((byte) 15)), hi = levels(q.lanewise(VectorOperators.LSHR, 4));
            FloatVector p = toFloat(dot32(lo, hi, xq, xo + b * BLOCK));
            FloatVector d = FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]);
            if (b < pairs && (b & 1) == 1) acc2 = p.fma(d, acc2);
            else if (b < pairs || a.path == GgmlPath.SGEMM) acc = p.fma(d, acc);
            else return Math.fma(xd[bo + b] * fp16(w, o), (float) p.reduceLanes(VectorOperators.ADD), hsum(acc.add(acc2)));
        }
        return hsum(pairs > 0 ? acc.add(acc2) : acc);
    }

    @Override
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qg;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ByteVector q = ByteVector.fromMemorySegment(B128, w, o + 2, LE);
            ShortVector lo = levels(q.and((byte) 15)), hi = levels(q.lanewise(VectorOperators.LSHR, 4));
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
}
