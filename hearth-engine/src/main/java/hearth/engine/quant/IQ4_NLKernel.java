package hearth.engine.quant;

import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static jdk.incubator.vector.VectorOperators.ASHR;
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
import jdk.incubator.vector.VectorSpecies;

/**
 * IQ4_NL: blocks of 32 values, 18 bytes laid out like Q4_0 ({@code fp16 d}, {@code uint8 qs[16]}), but each nibble
 * indexes a fixed non-linear table of 16 int8 levels: value j = d * LEVELS[nibble]. Dot with Q8_0 activations.
 */
final class IQ4_NLKernel extends QeoRowKernel {
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

    // Row kernels: the nibbles as bytes in ggml's lane order (Simd.nibbleBytes) index the levels
    // (a byte shuffle with the 16 levels in both halves), then, as in Q8_0Kernel.rows1, the levels' shorts split into
    // even and odd elements against Activations.qeo. The same int lanes and float order as dot, so the same outputs
    // bit for bit: two alternating accumulators and a last odd block fused into the total, or one accumulator on
    // tinyBLAS's path. rows4 looks each weight row up once (decode) for its four activation rows (dotDecoded): the
    // lookup is a third of a row-block's instructions.

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    /** The 16 levels in both 128-bit halves. */
    private static final ByteVector TABLE2;

    static {
        byte[] b = new byte[32];
        System.arraycopy(LEVELS, 0, b, 0, 16);
        System.arraycopy(LEVELS, 0, b, 16, 16);
        TABLE2 = ByteVector.fromArray(B256, b, 0);
    }

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        inPairs(IQ4_NLKernel::pair, true, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    /**
     * Rows w0 and w1 (slices) with activation row t: float lanes to h[0..8) and h[8..16); an odd last block (off
     * tinyBLAS's path) as its scale d_w * d_x to h[18], h[19] and its exact sum to h[16], h[17], 0 without one.
     */
    private static void pair(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h) {
        short[] x = a.qeo;
        float[] xd = a.d;
        int k = a.k, nb = k / BLOCK, xo = t * k, bo = t * nb;
        boolean one = a.path == GgmlPath.SGEMM;
        int pairs = one ? nb : nb & ~1;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, alt0 = acc0, alt1 = acc0;
        h[16] = h[17] = 0;
        for (int b = 0, o = 0; b < nb; b++, o += BYTES) {
            int xi = xo + b * BLOCK;
            ShortVector xe = ShortVector.fromArray(S256, x, xi), xodd = ShortVector.fromArray(S256, x, xi + 16);
            float dx = xd[bo + b];
            ShortVector l0 = Simd.nibbleBytes(w0, o + 2).reinterpretAsBytes().selectFrom(TABLE2).reinterpretAsShorts();
            ShortVector l1 = Simd.nibbleBytes(w1, o + 2).reinterpretAsBytes().selectFrom(TABLE2).reinterpretAsShorts();
            IntVector p0 = l0.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xe).add(l0.lanewise(ASHR, 8).mul(xodd)).reinterpretAsInts();
            IntVector p1 = l1.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xe).add(l1.lanewise(ASHR, 8).mul(xodd)).reinterpretAsInts();
            p0 = p0.lanewise(ASHR, 16).add(p0.lanewise(LSHL, 16).lanewise(ASHR, 16));
            p1 = p1.lanewise(ASHR, 16).add(p1.lanewise(LSHL, 16).lanewise(ASHR, 16));
            float d0 = Float.float16ToFloat(w0.get(U16, o)) * dx, d1 = Float.float16ToFloat(w1.get(U16, o)) * dx;
            if (b >= pairs) { // ggml's scalar last block: its lanes' sum is an exact integer
                h[16] = p0.reduceLanes(VectorOperators.ADD);
                h[17] = p1.reduceLanes(VectorOperators.ADD);
                h[18] = d0;
                h[19] = d1;
                break;
            }
            acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, d0), acc0);
            acc1 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, d1), acc1);
            if (!one) { // even blocks in acc, odd ones in alt: swapped rather than chosen by a branch (no spills)
                FloatVector v = acc0;
                acc0 = alt0;
                alt0 = v;
                v = acc1;
                acc1 = alt1;
                alt1 = v;
            }
        }
        (one || pairs == 0 ? acc0 : acc0.add(alt0)).intoArray(h, 0);
        (one || pairs == 0 ? acc1 : acc1.add(alt1)).intoArray(h, 8);
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int nb = a.k / BLOCK;
        short[] q = new short[a.k];
        float[] d = new float[nb], h = new float[8];
        for (int r = rowFrom; r < rowTo; r++) {
            decode(w, r * rowBytes, nb, q, d);
            for (int u = t; u < t + 4; u++) out[u * outStride + r] = dotDecoded(q, d, a, u, h);
        }
    }

    /** The row at o as levels (per block: the 16 even elements, then the 16 odd ones, as shorts), its scales to d. */
    private static void decode(MemorySegment w, long o, int nb, short[] q, float[] d) {
        for (int b = 0; b < nb; b++, o += BYTES) {
            ShortVector l = Simd.nibbleBytes(w, o + 2).reinterpretAsBytes().selectFrom(TABLE2).reinterpretAsShorts();
            l.lanewise(LSHL, 8).lanewise(ASHR, 8).intoArray(q, b * BLOCK);
            l.lanewise(ASHR, 8).intoArray(q, b * BLOCK + 16);
            d[b] = Float.float16ToFloat(w.get(U16, o));
        }
    }

    /** A decoded row (q, d) with activation row u: pair's operations for one row, in its order. */
    private static float dotDecoded(short[] q, float[] d, Activations a, int u, float[] h) {
        short[] x = a.qeo;
        float[] xd = a.d;
        int k = a.k, nb = k / BLOCK, xo = u * k, bo = u * nb;
        boolean one = a.path == GgmlPath.SGEMM;
        int pairs = one ? nb : nb & ~1;
        FloatVector acc = FloatVector.zero(F256), alt = acc;
        for (int b = 0, i = 0; b < pairs; b++, i += BLOCK) {
            IntVector p = ShortVector.fromArray(S256, q, i).mul(ShortVector.fromArray(S256, x, xo + i))
                    .add(ShortVector.fromArray(S256, q, i + 16).mul(ShortVector.fromArray(S256, x, xo + i + 16))).reinterpretAsInts();
            p = p.lanewise(ASHR, 16).add(p.lanewise(LSHL, 16).lanewise(ASHR, 16));
            acc = ((FloatVector) p.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, d[b] * xd[bo + b]), acc);
            if (!one) { // as in pair
                FloatVector v = acc;
                acc = alt;
                alt = v;
            }
        }
        (one || pairs == 0 ? acc : acc.add(alt)).intoArray(h, 0);
        float sum = Simd.hsum8(h, 0);
        if (pairs == nb) return sum;
        int i = pairs * BLOCK; // ggml's scalar last block
        IntVector p = ShortVector.fromArray(S256, q, i).mul(ShortVector.fromArray(S256, x, xo + i))
                .add(ShortVector.fromArray(S256, q, i + 16).mul(ShortVector.fromArray(S256, x, xo + i + 16))).reinterpretAsInts();
        p = p.lanewise(ASHR, 16).add(p.lanewise(LSHL, 16).lanewise(ASHR, 16));
        return Math.fma(d[pairs] * xd[bo + pairs], (float) p.reduceLanes(VectorOperators.ADD), sum);
    }
}
