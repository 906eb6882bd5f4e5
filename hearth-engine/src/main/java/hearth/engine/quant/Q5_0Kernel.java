package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.bitsClear;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.hsum8;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
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
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_0: blocks of 32 values, 22 bytes: {@code fp16 d} at +0, {@code uint32 qh} at +2 (bit j = 5th bit of value j),
 * {@code uint8 qs[16]} at +6. Value j (j < 16) is d * ((qs[j] & 15 | bit j << 4) - 16), value j + 16 is
 * d * ((qs[j] >> 4 | bit (j+16) << 4) - 16). Dot with Q8_0 activations.
 */
final class Q5_0Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    private static int value(MemorySegment w, long o, int qh, int j) {
        int q = u8(w, o + 6 + (j & 15));
        int nib = j < 16 ? q & 15 : q >> 4;
        return (nib | ((qh >>> j) & 1) << 4) - 16;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o);
            int qh = w.get(U32, o + 2);
            for (int j = 0; j < BLOCK; j++) dst[dstOffset + b * BLOCK + j] = value(w, o, qh, j) * d;
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int qh = w.get(U32, o + 2);
            int xi = t * a.k + b * BLOCK;
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) isum += value(w, o, qh, j) * a.q[xi + j];
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
    }

    /** (nibble | high bit << 4) - 16 = nibble - 16 where the high bit is clear. */
    private static ShortVector lo(ShortVector s, int qh) {
        return s.and((short) 15).add(bitsClear(qh).lanewise(VectorOperators.LSHL, 4));
    }

    private static ShortVector hi(ShortVector s, int qh) {
        return s.lanewise(VectorOperators.ASHR, 4).and((short) 15).add(bitsClear(qh >>> 16).lanewise(VectorOperators.LSHL, 4));
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
            ShortVector s = shorts(w, o + 6);
            int qh = w.get(U32, o + 2);
            acc = toFloat(dot32(lo(s, qh), hi(s, qh), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
        }
        return hsum(acc);
    }

    // Row kernels. They form ggml's int lanes (AVX2 lane j = elements 4j..4j+3, in natural order; dot holds the same
    // lanes in Simd.dot32's order) from the weights as bytes (Simd.nibbleBytes): byte m of int
    // lane j is nibble + 16 * fifth bit of element 4j+m, its shorts' low bytes the even elements, their high bytes the
    // odd ones, 16 off each, times the activations in Activations.qeo's order: short lane l of the even vector holds
    // element 2l, of the odd one element 2l+1, so int lane j of the products sums elements 4j..4j+3. The floats follow
    // dot: one fused multiply-add per block, Simd.hsum8 (the natural-order hsum) at the end.
    //
    // rows1 decodes two weight rows block by block in registers, each block meeting one activation block (two memory
    // streams, as in Q8_0Kernel.rows1). rows4 decodes each weight row once into shorts (decode) and dot2 takes it with
    // two activation rows at a time. Why small methods with array arguments there: C2 expands every Vector API call
    // into hundreds of IR nodes, and a method past about 40000 live nodes (LiveNodeCountInliningCutoff) stops its late
    // inlining, so the last vector operations of the loop run the Java fallback on boxed vectors; decode and dot2 are
    // ~14000 and ~11000 nodes. An earlier fused rows1 did that in some runs; this one allocates no more than the
    // decode-then-dot2 form it replaced (JFR, Qwen2.5-0.5B Q4_K_M decode). An odd last row goes through the pair code
    // twice over rather than through a tail loop.

    @Override
    boolean rowKernels() {
        return true;
    }

    /**
     * On 512-bit machines (unless {@code -Dhearth.q5_0.repack=false}), the rows held by the interleaved copy
     * ({@link Q5_0Repacked}) are read from it (see {@link #matMul(Q5_0Repacked, MemorySegment, long, int, int, Activations, float[], int)}).
     */
    @Override
    public void matMul(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        matMul(Q5_0Repacked.ENABLED ? Q5_0Repacked.of(w, rowBytes) : null, w, rowBytes, rowFrom, rowTo, a, out, outStride);
    }

    /**
     * The rows held by the copy p (none if null) are read from it: one activation row at a time through
     * {@link Q5_0Interleaved}, batches of {@link DecodedBatch#MIN_ROWS}+ through {@link DecodedBatch} with the rows
     * decoded from the copy (the file's pages were handed back); the others through the row kernels. The same outputs
     * bit for bit either way.
     */
    void matMul(Q5_0Repacked p, MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int split = p == null ? rowFrom : Math.clamp(p.rows, rowFrom, rowTo);
        if (rowFrom < split) {
            if (a.n >= DecodedBatch.MIN_ROWS) DecodedBatch.matMul(p, rowFrom, split, a, out, outStride);
            else for (int t = 0; t < a.n; t++) Q5_0Interleaved.rows1(p, rowFrom, split, a, t, out, outStride);
        }
        if (split < rowTo) super.matMul(w, rowBytes, split, rowTo, a, out, outStride);
    }

    private static final ShortVector SIXTEEN = ShortVector.broadcast(S256, (short) 16);

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK, xo = t * k, bo = t * nb, oi = t * outStride;
        short[] xq = a.qeo;
        float[] xd = a.d;
        float[] h = new float[16];
        // row i of the first half of the range with row i of the second: two memory streams keep more cache-line
        // fills in flight than adjacent rows (decode reads the weights from L3 or memory; see Q8_0Kernel.rows1)
        int half = (rowTo - rowFrom + 1) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowFrom + i;
            int r1 = r + half < rowTo ? r + half : r; // with an odd count the middle row goes in twice
            long o0 = r * rowBytes, o1 = r1 * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
            for (int b = 0; b < nb; b++, o0 += BYTES, o1 += BYTES) {
                int x = xo + b * BLOCK;
                ShortVector xe = ShortVector.fromArray(S256, xq, x), xodd = ShortVector.fromArray(S256, xq, x + 16);
                float dx = xd[bo + b];
                IntVector q0 = bytes(w, o0, 0), q1 = bytes(w, o1, 0);
                IntVector p0 = q0.and(0x00ff_00ff).reinterpretAsShorts().sub(SIXTEEN).mul(xe)
                        .add(q0.reinterpretAsShorts().lanewise(LSHR, 8).sub(SIXTEEN).mul(xodd)).reinterpretAsInts();
                IntVector p1 = q1.and(0x00ff_00ff).reinterpretAsShorts().sub(SIXTEEN).mul(xe)
                        .add(q1.reinterpretAsShorts().lanewise(LSHR, 8).sub(SIXTEEN).mul(xodd)).reinterpretAsInts();
                p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16); // pair sums: exact, |sum of four| < 2^13
                p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o0)) * dx), acc0);
                acc1 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(U16, o1)) * dx), acc1);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            out[oi + r] = hsum8(h, 0);
            out[oi + r1] = hsum8(h, 8);
        }
    }

    @Override
    boolean floatDecoded() {
        return true;
    }

    /**
     * Batches of {@link DecodedBatch#MIN_ROWS}+ activation rows go through {@link DecodedBatch}: each weight block
     * becomes four float vectors, lane j of vector m = element 4j+m (the integer block dot is then exact in float
     * arithmetic, see Activations#qf). Int lane j holds quant bytes 4(j % 4)..4(j % 4)+3 (the 16 bytes in both halves),
     * shifted by 4 in lanes 4..7 for the high nibbles; byte m of the lane gets the element's nibble in bits 0..3 and
     * its inverted fifth bit in bit 4 ({@link #bytes}). Read as a 5-bit two's complement number that byte is
     * nibble + 16 * bit - 16, the value; two shifts sign-extend it.
     */
    @Override
    void decodeFloatRow(MemorySegment w, long offset, int nb, float[] dst, int dstOff, int groupStride, int blockStride,
            float[] scales, int scaleOff) {
        long o = offset;
        for (int b = 0; b < nb; b++, o += BYTES) {
            IntVector q = bytes(w, o, -1);
            int y = dstOff + b * blockStride;
            q.lanewise(LSHL, 27).lanewise(ASHR, 27).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y);
            q.lanewise(LSHL, 19).lanewise(ASHR, 27).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + groupStride);
            q.lanewise(LSHL, 11).lanewise(ASHR, 27).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + 2 * groupStride);
            q.lanewise(LSHL, 3).lanewise(ASHR, 27).convertShape(I2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + 3 * groupStride);
            scales[scaleOff + b] = Float.float16ToFloat(w.get(U16, o));
        }
    }

    /**
     * The block at o as bytes, in the row kernels' order (int lane j, byte m: element 4j+m): the nibble in bits 0..3,
     * the fifth bit, xor-ed with qhXor's bit, in bit 4, 0 above. C2 inlines it into rows1 (no more young collections
     * than with the steps written out, one matrix; the same speed).
     */
    private static IntVector bytes(MemorySegment w, long o, int qhXor) {
        return Simd.nibbleBytes(w, o + 6).or(Simd.fifthBits(w.get(U32, o + 2) ^ qhXor));
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] q = new short[k];
        float[] d = new float[nb], h = new float[16];
        for (int r = rowFrom; r < rowTo; r++) {
            decode(w, r * rowBytes, nb, q, d);
            for (int u = t; u < t + 4; u += 2) {
                dot2(q, d, q, d, a, u * k, u * nb, (u + 1) * k, (u + 1) * nb, h);
                out[u * outStride + r] = hsum8(h, 0);
                out[(u + 1) * outStride + r] = hsum8(h, 8);
            }
        }
    }

    /**
     * Decodes the weight row at o into q (per block: the 16 even elements, then the 16 odd ones, as shorts) and the
     * block scales into d.
     */
    private static void decode(MemorySegment w, long o, int nb, short[] q, float[] d) {
        for (int b = 0; b < nb; b++, o += BYTES) {
            IntVector v = bytes(w, o, 0);
            v.and(0x00ff_00ff).reinterpretAsShorts().sub(SIXTEEN).intoArray(q, b * BLOCK);
            v.reinterpretAsShorts().lanewise(LSHR, 8).sub(SIXTEEN).intoArray(q, b * BLOCK + 16);
            d[b] = Float.float16ToFloat(w.get(U16, o));
        }
    }

    /**
     * Two dot products of decoded rows (qa, da and qb, db) with activation rows of a (quants from index xa, xb of
     * Activations.qeo, scales from index xda, xdb of Activations.d); their float accumulators go to h[0..8) and h[8..16).
     */
    private static void dot2(short[] qa, float[] da, short[] qb, float[] db, Activations a, int xa, int xda, int xb, int xdb, float[] h) {
        short[] x = a.qeo;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        for (int b = 0, i = 0; b < da.length; b++, i += BLOCK) {
            IntVector p0 = ShortVector.fromArray(S256, qa, i).mul(ShortVector.fromArray(S256, x, xa + i))
                    .add(ShortVector.fromArray(S256, qa, i + 16).mul(ShortVector.fromArray(S256, x, xa + i + 16))).reinterpretAsInts();
            IntVector p1 = ShortVector.fromArray(S256, qb, i).mul(ShortVector.fromArray(S256, x, xb + i))
                    .add(ShortVector.fromArray(S256, qb, i + 16).mul(ShortVector.fromArray(S256, x, xb + i + 16))).reinterpretAsInts();
            p0 = p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16); // pair sums: exact, |sum of four| < 2^13
            p1 = p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            acc0 = ((FloatVector) p0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, da[b] * xd[xda + b]), acc0);
            acc1 = ((FloatVector) p1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, db[b] * xd[xdb + b]), acc1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
    }
}
