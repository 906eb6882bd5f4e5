package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.s8;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.hsum8;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.U16;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0: blocks of 32 values, 34 bytes: {@code fp16 d} at +0, {@code int8 qs[32]} at +2; value j = d * qs[j].
 * Dot with Q8_0 activations: sum over blocks of (d_w * d_x) * (integer dot of the 32 int8 pairs).
 */
final class Q8_0Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    /**
     * The interleaved copy's kernels read qf; rows1 (single rows, the rows left over from tiles of four, rows outside the
     * copy) reads qeo; rows4 and DecodedBatch (8+ rows) read qf.
     */
    @Override
    public int activationLayouts(int n) {
        if (n < 4) return Activations.QEO | (Q8_0Repacked.ENABLED ? Activations.QF : 0);
        int leftOver = n % 4 != 0 ? Activations.QEO : 0;
        return leftOver | Activations.QF;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o);
            for (int j = 0; j < BLOCK; j++) dst[dstOffset + b * BLOCK + j] = s8(w, o + 2 + j) * d;
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
            for (int j = 0; j < BLOCK; j++) isum += s8(w, o + 2 + j) * a.q[xi + j];
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
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
            acc = toFloat(dot32(shorts(w, o + 2), shorts(w, o + 18), xq, xo + b * BLOCK))
                    .fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
        }
        return hsum(acc);
    }

    /**
     * With 512-bit vectors: the rows of whole 16-row groups go to the interleaved copy's kernels; rows outside them
     * (matrices whose row count is not a multiple of 16, chunks that split a group, weights that cannot be repacked) to
     * the row kernels.
     */
    @Override
    public void matMul(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        Q8_0Repacked p = Q8_0Repacked.ENABLED ? Q8_0Repacked.of(w, rowBytes) : null;
        int rows = Q8_0Repacked.ROWS;
        int g0 = (rowFrom + rows - 1) / rows, g1 = p == null ? 0 : Math.min(rowTo, p.rows) / rows;
        if (g0 >= g1) {
            tiledMatMul(w, rowBytes, rowFrom, rowTo, a, out, outStride);
            return;
        }
        if (rowFrom < g0 * rows) tiledMatMul(w, rowBytes, rowFrom, g0 * rows, a, out, outStride);
        Q8_0Interleaved.matMul(p, g0, g1, a, out, outStride);
        if (g1 * rows < rowTo) tiledMatMul(w, rowBytes, g1 * rows, rowTo, a, out, outStride);
    }

    // Row micro-kernels. The 32 quant bytes of a block are loaded as 16 short lanes (bytes 2i and 2i+1 in lane i):
    // a shift pair gives the even elements, one arithmetic shift the odd ones, with no widening conversion. Times the
    // activations in the same even/odd order (Activations.qeo), short lane i holds the products of elements 2i and
    // 2i+1, and the two halves of int lane j add up to elements 4j..4j+3: ggml's AVX2 lane j (maddubs + madd). The
    // float accumulator then takes ggml's fused multiply-adds block by block, and hsumNatural its horizontal sum.

    @Override
    boolean rowKernels() {
        return true;
    }

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK, xo = t * k, bo = t * nb;
        short[] xq = a.qeo;
        float[] xd = a.d;
        float[] h = new float[16];
        // Two weight rows share the activation loads (two independent chains): row i of the first half of the range
        // with row i of the second. Two memory streams half a range apart keep more cache-line fills in flight than
        // two adjacent rows (one stream): decoding reads the weights from L3 or memory, and this pairing measured
        // ~1.3x faster there (576x1536 over 100 distinct matrices, and SmolLM2 Q8_0 tg64).
        int half = (rowTo - rowFrom) / 2;
        int r = rowFrom;
        for (int i = 0; i < half; i++) {
            r = rowFrom + i;
            int r1 = r + half;
            long o0 = r * rowBytes, o1 = r1 * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
            for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector xe = ShortVector.fromArray(S256, xq, x), xodd = ShortVector.fromArray(S256, xq, x + 16);
                float dx = xd[bo + b];
                ShortVector s0 = ShortVector.fromMemorySegment(S256, w, o0 + 2, LE);
                ShortVector s1 = ShortVector.fromMemorySegment(S256, w, o1 + 2, LE);
                IntVector p0 = s0.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xe).add(s0.lanewise(ASHR, 8).mul(xodd)).reinterpretAsInts();
                IntVector p1 = s1.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xe).add(s1.lanewise(ASHR, 8).mul(xodd)).reinterpretAsInts();
                p0 = p0.lanewise(ASHR, 16).add(p0.lanewise(LSHL, 16).lanewise(ASHR, 16));
                p1 = p1.lanewise(ASHR, 16).add(p1.lanewise(LSHL, 16).lanewise(ASHR, 16));
                acc0 = ((FloatVector) p0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * dx), acc0);
                acc1 = ((FloatVector) p1.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o1)) * dx), acc1);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            out[t * outStride + r] = hsum8(h, 0);
            out[t * outStride + r1] = hsum8(h, 8);
        }
        for (r = rowFrom + 2 * half; r < rowTo; r++) { // the odd row left over
            long o0 = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256);
            for (int b = 0; b < nb; b++, o0 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector s0 = ShortVector.fromMemorySegment(S256, w, o0 + 2, LE);
                IntVector p0 = s0.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(ShortVector.fromArray(S256, xq, x))
                        .add(s0.lanewise(ASHR, 8).mul(ShortVector.fromArray(S256, xq, x + 16))).reinterpretAsInts();
                p0 = p0.lanewise(ASHR, 16).add(p0.lanewise(LSHL, 16).lanewise(ASHR, 16));
                acc0 = ((FloatVector) p0.convert(I2F, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * xd[bo + b]), acc0);
            }
            acc0.intoArray(h, 0);
            out[t * outStride + r] = hsum8(h, 0);
        }
    }

    @Override
    boolean floatDecoded() {
        return true;
    }

    /** The 32 quant bytes as 8 int lanes hold elements 4j..4j+3 in lane j; shifts pick byte m of every lane. */
    @Override
    void decodeFloatRow(MemorySegment w, long offset, int nb, float[] dst, int dstOff, int groupStride, int blockStride,
            float[] scales, int scaleOff) {
        long o = offset;
        for (int b = 0; b < nb; b++, o += BYTES) {
            IntVector q = IntVector.fromMemorySegment(I256, w, o + 2, LE);
            int y = dstOff + b * blockStride;
            q.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0).reinterpretAsFloats().intoArray(dst, y);
            q.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0).reinterpretAsFloats().intoArray(dst, y + groupStride);
            q.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0).reinterpretAsFloats().intoArray(dst, y + 2 * groupStride);
            q.lanewise(ASHR, 24).convert(I2F, 0).reinterpretAsFloats().intoArray(dst, y + 3 * groupStride);
            scales[scaleOff + b] = Float.float16ToFloat(w.get(U16, o));
        }
    }

    /**
     * Batches: the integer block dot in float arithmetic (exact, see Activations#qf). The 32 quant bytes loaded as 8
     * int lanes hold elements 4j..4j+3 in lane j; shifts pick byte m of every lane, so lane j of the four weight
     * vectors meets lane j of the four activation vectors: ggml's int lane j, as an exact float.
     */
    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK;
        float[] xf = a.qf;
        float[] xd = a.d;
        float[] h = new float[32];
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++, o += BYTES) {
                IntVector q = IntVector.fromMemorySegment(I256, w, o + 2, LE);
                FloatVector w0 = (FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0);
                FloatVector w1 = (FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0);
                FloatVector w2 = (FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0);
                FloatVector w3 = (FloatVector) q.lanewise(ASHR, 24).convert(I2F, 0);
                float dw = Float.float16ToFloat(w.get(U16, o));
                int x = t * k + b * BLOCK, d = t * nb + b;
                FloatVector s0 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                x += k;
                FloatVector s1 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                x += k;
                FloatVector s2 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                x += k;
                FloatVector s3 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                acc0 = s0.fma(FloatVector.broadcast(F256, dw * xd[d]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F256, dw * xd[d + nb]), acc1);
                acc2 = s2.fma(FloatVector.broadcast(F256, dw * xd[d + 2 * nb]), acc2);
                acc3 = s3.fma(FloatVector.broadcast(F256, dw * xd[d + 3 * nb]), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            out[t * outStride + r] = hsum8(h, 0);
            out[(t + 1) * outStride + r] = hsum8(h, 8);
            out[(t + 2) * outStride + r] = hsum8(h, 16);
            out[(t + 3) * outStride + r] = hsum8(h, 24);
        }
    }
}
