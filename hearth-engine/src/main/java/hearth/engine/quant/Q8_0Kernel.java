package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.F512;
import static hearth.engine.quant.Simd.I512;
import static hearth.engine.quant.Simd.TWICE;
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
     * rows1 (single rows, and the rows left over from tiles of four) reads qeo; rows4 reads qf2 with 512-bit vectors, qf
     * without; DecodedBatch (8+ rows) what {@link DecodedBatch#layouts} says.
     */
    @Override
    public int activationLayouts(int n, GgmlPath path) {
        if (n < 4) return Activations.QEO;
        if (n >= DecodedBatch.MIN_ROWS) return DecodedBatch.layouts(n);
        int leftOver = n % 4 != 0 ? Activations.QEO : 0;
        return leftOver | (Simd.WIDE ? Activations.QF2 : Activations.QF);
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
                acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * dx), acc0);
                acc1 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o1)) * dx), acc1);
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
                acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * xd[bo + b]), acc0);
            }
            acc0.intoArray(h, 0);
            out[t * outStride + r] = hsum8(h, 0);
        }
    }

    /**
     * {@link #rows1} for activation rows t and t + 1 (two sequences decoding): each pair of weight blocks is loaded and
     * split into even and odd bytes once for both; every output takes the operations of rows1 in its order.
     */
    @Override
    void rows2(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK, xo = t * k, yo = xo + k, bo = t * nb, co = bo + nb;
        short[] xq = a.qeo;
        float[] xd = a.d;
        float[] h = new float[32];
        int half = (rowTo - rowFrom) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowFrom + i, r1 = r + half;
            long o0 = r * rowBytes, o1 = r1 * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
                int e = b * BLOCK;
                ShortVector s0 = ShortVector.fromMemorySegment(S256, w, o0 + 2, LE);
                ShortVector s1 = ShortVector.fromMemorySegment(S256, w, o1 + 2, LE);
                ShortVector e0 = s0.lanewise(LSHL, 8).lanewise(ASHR, 8), d0 = s0.lanewise(ASHR, 8);
                ShortVector e1 = s1.lanewise(LSHL, 8).lanewise(ASHR, 8), d1 = s1.lanewise(ASHR, 8);
                float dw0 = Float.float16ToFloat(w.get(U16, o0)), dw1 = Float.float16ToFloat(w.get(U16, o1));
                ShortVector xe = ShortVector.fromArray(S256, xq, xo + e), xodd = ShortVector.fromArray(S256, xq, xo + e + 16);
                float dx = xd[bo + b];
                IntVector p0 = e0.mul(xe).add(d0.mul(xodd)).reinterpretAsInts();
                IntVector p1 = e1.mul(xe).add(d1.mul(xodd)).reinterpretAsInts();
                p0 = p0.lanewise(ASHR, 16).add(p0.lanewise(LSHL, 16).lanewise(ASHR, 16));
                p1 = p1.lanewise(ASHR, 16).add(p1.lanewise(LSHL, 16).lanewise(ASHR, 16));
                acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dw0 * dx), acc0);
                acc1 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dw1 * dx), acc1);
                xe = ShortVector.fromArray(S256, xq, yo + e);
                xodd = ShortVector.fromArray(S256, xq, yo + e + 16);
                dx = xd[co + b];
                p0 = e0.mul(xe).add(d0.mul(xodd)).reinterpretAsInts();
                p1 = e1.mul(xe).add(d1.mul(xodd)).reinterpretAsInts();
                p0 = p0.lanewise(ASHR, 16).add(p0.lanewise(LSHL, 16).lanewise(ASHR, 16));
                p1 = p1.lanewise(ASHR, 16).add(p1.lanewise(LSHL, 16).lanewise(ASHR, 16));
                acc2 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dw0 * dx), acc2);
                acc3 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dw1 * dx), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            out[t * outStride + r] = hsum8(h, 0);
            out[t * outStride + r1] = hsum8(h, 8);
            out[(t + 1) * outStride + r] = hsum8(h, 16);
            out[(t + 1) * outStride + r1] = hsum8(h, 24);
        }
        if (rowFrom + 2 * half < rowTo) { // the odd row left over
            int r = rowFrom + 2 * half;
            rows1(w, rowBytes, r, r + 1, a, t, out, outStride);
            rows1(w, rowBytes, r, r + 1, a, t + 1, out, outStride);
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
            q.lanewise(LSHL, 24).lanewise(ASHR, 24).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y);
            q.lanewise(LSHL, 16).lanewise(ASHR, 24).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + groupStride);
            q.lanewise(LSHL, 8).lanewise(ASHR, 24).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + 2 * groupStride);
            q.lanewise(ASHR, 24).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + 3 * groupStride);
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
        if (Simd.WIDE && a.has(Activations.QF2)) {
            rows4Wide(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
            return;
        }
        int k = a.k, nb = k / BLOCK;
        float[] xf = a.qf;
        float[] xd = a.d;
        // fixed offsets plus multiples of the block number: the JIT hoists the bounds checks out of the block loop
        int x0 = t * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        int d0 = t * nb, d1 = d0 + nb, d2 = d1 + nb, d3 = d2 + nb;
        float[] h = new float[32];
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++) {
                long ob = o + (long) b * BYTES;
                IntVector q = IntVector.fromMemorySegment(I256, w, ob + 2, LE);
                FloatVector w0 = (FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convertShape(I2F, F256, 0);
                FloatVector w1 = (FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convertShape(I2F, F256, 0);
                FloatVector w2 = (FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convertShape(I2F, F256, 0);
                FloatVector w3 = (FloatVector) q.lanewise(ASHR, 24).convertShape(I2F, F256, 0);
                float dw = Float.float16ToFloat(w.get(U16, ob));
                int e = b * BLOCK;
                FloatVector s0 = w3.fma(FloatVector.fromArray(F256, xf, x0 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x0 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x0 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x0 + e)))));
                FloatVector s1 = w3.fma(FloatVector.fromArray(F256, xf, x1 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x1 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x1 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x1 + e)))));
                FloatVector s2 = w3.fma(FloatVector.fromArray(F256, xf, x2 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x2 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x2 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x2 + e)))));
                FloatVector s3 = w3.fma(FloatVector.fromArray(F256, xf, x3 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x3 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x3 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x3 + e)))));
                acc0 = s0.fma(FloatVector.broadcast(F256, dw * xd[d0 + b]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F256, dw * xd[d1 + b]), acc1);
                acc2 = s2.fma(FloatVector.broadcast(F256, dw * xd[d2 + b]), acc2);
                acc3 = s3.fma(FloatVector.broadcast(F256, dw * xd[d3 + b]), acc3);
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

    /**
     * {@link #rows4} with 512-bit vectors (batched decode of four sequences). A vector holds the eight lanes of two
     * activation rows ({@link Activations#qf2}) against the weight block's eight lanes twice, so one fused multiply-add
     * does the work of two 256-bit ones; every lane is still ggml's int lane, fused with d_w * d_x as ggml does, so
     * the numbers are those of rows4 bit for bit. Two weight rows half a range apart share the activation loads (two
     * memory streams, as in rows1). Measured against the 256-bit rows4 (576x1536, one core): about 1.25x.
     */
    private static void rows4Wide(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK;
        float[] xf = a.qf2, xd = a.d2;
        float[] h = new float[64];
        int x0 = a.qf2At + (t >> 1) * 2 * k, d0 = a.d2At + (t >> 1) * nb * 16, pair = 2 * k, pairD = nb * 16;
        int half = (rowTo - rowFrom) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowFrom + i, r1 = r + half;
            long o = r * rowBytes, o1 = r1 * rowBytes;
            FloatVector acc0 = FloatVector.zero(F512), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0, x = x0, d = d0; b < nb; b++, o += BYTES, o1 += BYTES, x += 64, d += 16) {
                IntVector q = IntVector.fromMemorySegment(I256, w, o + 2, LE).reinterpretShape(I512, 0).reinterpretAsInts().rearrange(TWICE);
                IntVector p = IntVector.fromMemorySegment(I256, w, o1 + 2, LE).reinterpretShape(I512, 0).reinterpretAsInts().rearrange(TWICE);
                FloatVector w0 = (FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector w1 = (FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector w2 = (FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector w3 = (FloatVector) q.lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector v0 = (FloatVector) p.lanewise(LSHL, 24).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector v1 = (FloatVector) p.lanewise(LSHL, 16).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector v2 = (FloatVector) p.lanewise(LSHL, 8).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector v3 = (FloatVector) p.lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector dw = FloatVector.broadcast(F512, Float.float16ToFloat(w.get(U16, o)));
                FloatVector dv = FloatVector.broadcast(F512, Float.float16ToFloat(w.get(U16, o1)));
                FloatVector a0 = FloatVector.fromArray(F512, xf, x), a1 = FloatVector.fromArray(F512, xf, x + 16);
                FloatVector a2 = FloatVector.fromArray(F512, xf, x + 32), a3 = FloatVector.fromArray(F512, xf, x + 48);
                FloatVector s0 = w3.fma(a3, w2.fma(a2, w1.fma(a1, w0.mul(a0))));
                FloatVector u0 = v3.fma(a3, v2.fma(a2, v1.fma(a1, v0.mul(a0))));
                int y = x + pair;
                a0 = FloatVector.fromArray(F512, xf, y);
                a1 = FloatVector.fromArray(F512, xf, y + 16);
                a2 = FloatVector.fromArray(F512, xf, y + 32);
                a3 = FloatVector.fromArray(F512, xf, y + 48);
                FloatVector s1 = w3.fma(a3, w2.fma(a2, w1.fma(a1, w0.mul(a0))));
                FloatVector u1 = v3.fma(a3, v2.fma(a2, v1.fma(a1, v0.mul(a0))));
                FloatVector e0 = FloatVector.fromArray(F512, xd, d), e1 = FloatVector.fromArray(F512, xd, d + pairD);
                acc0 = s0.fma(dw.mul(e0), acc0);
                acc1 = s1.fma(dw.mul(e1), acc1);
                acc2 = u0.fma(dv.mul(e0), acc2);
                acc3 = u1.fma(dv.mul(e1), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 16);
            acc2.intoArray(h, 32);
            acc3.intoArray(h, 48);
            for (int u = 0; u < 4; u++) {
                out[(t + u) * outStride + r] = hsum8(h, 8 * u);
                out[(t + u) * outStride + r1] = hsum8(h, 32 + 8 * u);
            }
        }
        for (int r = rowFrom + 2 * half; r < rowTo; r++) { // the odd row left over
            long o = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F512), acc1 = acc0;
            for (int b = 0, x = x0, d = d0; b < nb; b++, o += BYTES, x += 64, d += 16) {
                IntVector q = IntVector.fromMemorySegment(I256, w, o + 2, LE).reinterpretShape(I512, 0).reinterpretAsInts().rearrange(TWICE);
                FloatVector w0 = (FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector w1 = (FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector w2 = (FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector w3 = (FloatVector) q.lanewise(ASHR, 24).convertShape(I2F, F512, 0);
                FloatVector dw = FloatVector.broadcast(F512, Float.float16ToFloat(w.get(U16, o)));
                FloatVector s0 = w3.fma(FloatVector.fromArray(F512, xf, x + 48), w2.fma(FloatVector.fromArray(F512, xf, x + 32),
                        w1.fma(FloatVector.fromArray(F512, xf, x + 16), w0.mul(FloatVector.fromArray(F512, xf, x)))));
                int y = x + pair;
                FloatVector s1 = w3.fma(FloatVector.fromArray(F512, xf, y + 48), w2.fma(FloatVector.fromArray(F512, xf, y + 32),
                        w1.fma(FloatVector.fromArray(F512, xf, y + 16), w0.mul(FloatVector.fromArray(F512, xf, y)))));
                acc0 = s0.fma(dw.mul(FloatVector.fromArray(F512, xd, d)), acc0);
                acc1 = s1.fma(dw.mul(FloatVector.fromArray(F512, xd, d + pairD)), acc1);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 16);
            for (int u = 0; u < 4; u++) out[(t + u) * outStride + r] = hsum8(h, 8 * u);
        }
    }
}
