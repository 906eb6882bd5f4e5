package hearth.engine.quant;

import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static hearth.engine.quant.Simd.U64;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batches (prefill) on the repacked Q4_0 path with 256-bit vectors, sixteen activation rows per vector: in every
 * vector of a group of sixteen rows, short lane 2u holds row u and lane 2u + 1 row 8 + u (u < 8). Each weight
 * (decoded once per slice of rows to the exact short q - 8) is broadcast and multiplied with the sixteen rows' int8
 * activations of its element, and the 16-bit products are summed in 16-bit lanes: a block's total of 32 products
 * |q - 8| <= 8, |x| <= 127 is at most 32 512 in magnitude, so it fits. The int view of the totals splits the even and
 * odd lanes into two int vectors with shifts (no shuffle); they are converted to float and added to one float sum per
 * output with one fused multiply-add by d_w * d_x, as ggml's q4_0_8x8 gemm adds each block's exact integer total: the
 * outputs are those of {@link Q4_0Kernel#rows4} bit for bit. A multiply of 16 short lanes does twice the products of
 * an 8-lane float FMA; with the broadcasts and adds, the loop does about 1.6 times the products per second of the
 * float one it replaced (eight rows per vector, weights as floats).
 *
 * <p>The activations come in that order from {@link Activations#X16}. A last group with only eight rows (the caller
 * covers whole groups of eight) is computed whole, and the outputs of its padding lanes are not written.
 */
final class Q4_0Batch16 {
    private Q4_0Batch16() {}

    /** Fewer activation rows than this use the row kernels. */
    static final int MIN_ROWS = 8;

    /**
     * Cache blocking: the blocks are taken in chunks whose activations (all groups of sixteen rows) fit in about
     * {@code X_SHORTS} shorts, and the weight rows in slices whose decoded chunk fits in {@code W_SHORTS}; both stay
     * in L2 while the slice passes over every group. Each output's running sum is kept in {@code out} between chunks
     * (stored and reloaded as the same float: the order of its fused multiply-adds is ggml's).
     */
    private static final int X_SHORTS = 128 * 1024, W_SHORTS = 32 * 1024;

    /** A slice's chunk of weights as shorts q - 8 and its scales (row i of the slice at i * chunk elements). */
    private record Scratch(short[] weights, float[] scales) {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(new short[0], new float[0]));

    private static Scratch scratch(int sliceShorts, int sliceBlocks) {
        Scratch s = SCRATCH.get();
        if (s.weights.length < sliceShorts || s.scales.length < sliceBlocks) {
            s = new Scratch(new short[Math.max(s.weights.length, sliceShorts)], new float[Math.max(s.scales.length, sliceBlocks)]);
            SCRATCH.set(s);
        }
        return s;
    }

    /** Groups of sixteen activation rows (the last one possibly of eight) for the first {@code rows} rows. */
    static int groups(int rows) {
        return (rows + 15) / 16;
    }

    /** Blocks per chunk for {@code groups} groups of sixteen activation rows (at least 1, at most nb). */
    static int chunkBlocks(int nb, int groups) {
        return Math.clamp(X_SHORTS / (groups * 512), 1, nb);
    }

    /**
     * Weight rows per slice for chunks of {@code chunk} blocks: a multiple of four (at least 4), so that ranges of whole
     * groups of eight rows pass through the four-row loop of {@link #group} whole.
     */
    static int sliceRows(int chunk) {
        return Math.max(4, W_SHORTS / (chunk * 32) / 4 * 4);
    }

    /**
     * Outputs of activation rows [0, 8 * (n / 8)) for weight rows [rowFrom, rowTo); the caller does the rest. The
     * weights are read from the interleaved copy {@code p} where it is given (rowTo <= p.rows), else from {@code w};
     * the activations from their {@link Activations#X16} copy (filled when they were converted).
     */
    static void matMul(MemorySegment w, long rowBytes, Q4_0Repacked p, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int k = a.k, nb = k / 32, rows = a.n / 8 * 8, groups = groups(rows);
        int chunk = chunkBlocks(nb, groups), slice = sliceRows(chunk);
        if (!a.has(Activations.X16)) throw new IllegalStateException("activations converted without the X16 layout");
        Scratch s = scratch(slice * chunk * 32, slice * chunk);
        for (int b0 = 0; b0 < nb; b0 += chunk) {
            int b1 = Math.min(nb, b0 + chunk);
            for (int r0 = rowFrom; r0 < rowTo; r0 += slice) {
                int r1 = Math.min(rowTo, r0 + slice);
                if (p != null) decodeRows(p, r0, r1, b0, b1 - b0, chunk, s.weights, s.scales);
                else for (int r = r0; r < r1; r++)
                    decodeRow(w, r * rowBytes + (long) b0 * Q4_0Kernel.BYTES, b1 - b0, s.weights, (r - r0) * chunk * 32, s.scales, (r - r0) * chunk);
                for (int g = 0; g < groups; g++) group(s, a, r0, r1, chunk, b0, b1, g, Math.min(16, rows - 16 * g), out, outStride);
            }
        }
    }

    /** Element j < 16 of a block is the low nibble of byte j, element j + 16 its high nibble; each as q - 8. */
    private static void decodeRow(MemorySegment w, long offset, int nb, short[] dst, int dstOff, float[] scales, int scaleOff) {
        long o = offset;
        for (int b = 0; b < nb; b++, o += Q4_0Kernel.BYTES) {
            int y = dstOff + b * 32;
            ByteVector q = ByteVector.fromMemorySegment(B128, w, o + 2, LE);
            ByteVector lo = q.and((byte) 15).sub((byte) 8), hi = q.lanewise(LSHR, 4).sub((byte) 8);
            lo.convertShape(B2S, S256, 0).reinterpretAsShorts().intoArray(dst, y);
            hi.convertShape(B2S, S256, 0).reinterpretAsShorts().intoArray(dst, y + 16);
            scales[scaleOff + b] = Float.float16ToFloat(w.get(U16, o));
        }
    }

    /**
     * Like {@link #decodeRow(MemorySegment, long, int, short[], int, float[], int)} for rows [r0, r1) of the copy,
     * blocks b0 .. b0 + nb (row r at (r - r0) * chunk blocks). The 8 bytes at 16 + 8j of a group-block are quant byte
     * j of the group's 8 rows; two 8 x 8 byte transposes turn the 16 longs back into the rows' 16 quant bytes, as
     * in the source.
     */
    private static void decodeRows(Q4_0Repacked p, int r0, int r1, int b0, int nb, int chunk, short[] dst, float[] scales) {
        MemorySegment w = p.data;
        long[] q = new long[16];
        for (int g = r0 >>> 3; g <= (r1 - 1) >>> 3; g++) {
            int lo = Math.max(r0, 8 * g), hi = Math.min(r1, 8 * g + 8);
            long o = ((long) g * p.blocksPerRow + b0) * Q4_0Repacked.GROUP_BLOCK;
            for (int b = 0; b < nb; b++, o += Q4_0Repacked.GROUP_BLOCK) {
                for (int j = 0; j < 8; j++) {
                    q[2 * j] = w.get(U64, o + 16 + 8 * j);
                    q[2 * j + 1] = w.get(U64, o + 80 + 8 * j);
                }
                Q4_0Repacked.transpose8x8(q, 0, 2); // the even longs: bytes 0..7, the odd ones: bytes 8..15
                Q4_0Repacked.transpose8x8(q, 1, 2);
                for (int r = lo; r < hi; r++) {
                    int i = r & 7, y = ((r - r0) * chunk + b) * 32;
                    ByteVector bytes = LongVector.fromArray(L128, q, 2 * i).reinterpretAsBytes();
                    ByteVector low = bytes.and((byte) 15).sub((byte) 8), high = bytes.lanewise(LSHR, 4).sub((byte) 8);
                    low.convertShape(B2S, S256, 0).reinterpretAsShorts().intoArray(dst, y);
                    high.convertShape(B2S, S256, 0).reinterpretAsShorts().intoArray(dst, y + 16);
                    scales[(r - r0) * chunk + b] = Float.float16ToFloat(w.get(U16, o + 2 * i));
                }
            }
        }
    }

    private static final VectorSpecies<Long> L128 = LongVector.SPECIES_128;

    /**
     * Weight rows [r0, r1) of the decoded slice against the {@code valid} (8 or 16) activation rows 16g .., blocks
     * [b0, b1): four weight rows at a time share each activation load. (Each pass is its own method, and the
     * conversions of the even and odd lanes are written out: where C2 stops inlining a helper, its vectors are boxed.)
     */
    private static void group(Scratch s, Activations a, int r0, int r1, int chunk, int b0, int b1, int g, int valid, float[] out, int outStride) {
        float[] h = new float[64];
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            running(out, outStride, g, r, 4, b0, valid, h);
            four(s, a, (r - r0) * chunk, chunk, b0, b1, g, h);
            store(out, outStride, g, r, 4, valid, h);
        }
        for (; r < r1; r++) { // the rows left over (ranges of whole groups of eight leave none)
            running(out, outStride, g, r, 1, b0, valid, h);
            one(s, a, (r - r0) * chunk, b0, b1, g, h);
            store(out, outStride, g, r, 1, valid, h);
        }
    }

    /** Four weight rows from block row {@code so} of the slice: the sums in h (16 per weight row) carried on. */
    private static void four(Scratch s, Activations a, int so, int chunk, int b0, int b1, int g, float[] h) {
        short[] ws = s.weights, x = a.x16;
        float[] sc = s.scales, dx = a.d16;
        int nb = a.k / 32;
        int xg = g * nb * 512, dg = g * nb * 16, n = b1 - b0, c = chunk * 32, wo = so * 32;
        FloatVector e0 = FloatVector.fromArray(F256, h, 0), o0 = FloatVector.fromArray(F256, h, 8);
        FloatVector e1 = FloatVector.fromArray(F256, h, 16), o1 = FloatVector.fromArray(F256, h, 24);
        FloatVector e2 = FloatVector.fromArray(F256, h, 32), o2 = FloatVector.fromArray(F256, h, 40);
        FloatVector e3 = FloatVector.fromArray(F256, h, 48), o3 = FloatVector.fromArray(F256, h, 56);
        for (int i = 0; i < n; i++) {
            int xb = xg + 512 * (b0 + i), w0 = wo + 32 * i, w1 = w0 + c, w2 = w1 + c, w3 = w2 + c;
            ShortVector p = ShortVector.zero(S256), q = p, t = p, u = p;
            for (int e = 0; e < 32; e++) {
                ShortVector xe = ShortVector.fromArray(S256, x, xb + 16 * e);
                p = p.add(xe.mul(ws[w0 + e]));
                q = q.add(xe.mul(ws[w1 + e]));
                t = t.add(xe.mul(ws[w2 + e]));
                u = u.add(xe.mul(ws[w3 + e]));
            }
            int d = dg + 16 * (b0 + i);
            FloatVector dLo = FloatVector.fromArray(F256, dx, d), dHi = FloatVector.fromArray(F256, dx, d + 8);
            float s0 = sc[so + i], s1 = sc[so + chunk + i], s2 = sc[so + 2 * chunk + i], s3 = sc[so + 3 * chunk + i];
            e0 = p.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dLo.mul(s0), e0);
            o0 = p.reinterpretAsInts().lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dHi.mul(s0), o0);
            e1 = q.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dLo.mul(s1), e1);
            o1 = q.reinterpretAsInts().lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dHi.mul(s1), o1);
            e2 = t.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dLo.mul(s2), e2);
            o2 = t.reinterpretAsInts().lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dHi.mul(s2), o2);
            e3 = u.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dLo.mul(s3), e3);
            o3 = u.reinterpretAsInts().lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(dHi.mul(s3), o3);
        }
        e0.intoArray(h, 0);
        o0.intoArray(h, 8);
        e1.intoArray(h, 16);
        o1.intoArray(h, 24);
        e2.intoArray(h, 32);
        o2.intoArray(h, 40);
        e3.intoArray(h, 48);
        o3.intoArray(h, 56);
    }

    /** One weight row from block row {@code so} of the slice: its 16 sums in h[0 .. 16) carried on. */
    private static void one(Scratch s, Activations a, int so, int b0, int b1, int g, float[] h) {
        short[] ws = s.weights, x = a.x16;
        float[] sc = s.scales, dx = a.d16;
        int nb = a.k / 32;
        int xg = g * nb * 512, dg = g * nb * 16, n = b1 - b0, wo = so * 32;
        FloatVector e0 = FloatVector.fromArray(F256, h, 0), o0 = FloatVector.fromArray(F256, h, 8);
        for (int i = 0; i < n; i++) {
            int xb = xg + 512 * (b0 + i), wb = wo + 32 * i;
            ShortVector p = ShortVector.zero(S256);
            for (int e = 0; e < 32; e++) p = p.add(ShortVector.fromArray(S256, x, xb + 16 * e).mul(ws[wb + e]));
            int d = dg + 16 * (b0 + i);
            e0 = p.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(FloatVector.fromArray(F256, dx, d).mul(sc[so + i]), e0);
            o0 = p.reinterpretAsInts().lanewise(ASHR, 16).convertShape(I2F, F256, 0).reinterpretAsFloats().fma(FloatVector.fromArray(F256, dx, d + 8).mul(sc[so + i]), o0);
        }
        e0.intoArray(h, 0);
        o0.intoArray(h, 8);
    }

    /**
     * The sums so far of weight rows r .. r + rows against the group's activation rows into h (16 floats per weight
     * row, in row order): zero before the first chunk and for the padding.
     */
    private static void running(float[] out, int outStride, int g, int r, int rows, int b0, int valid, float[] h) {
        java.util.Arrays.fill(h, 0, 16 * rows, 0f);
        if (b0 == 0) return;
        for (int j = 0; j < rows; j++)
            for (int u = 0; u < valid; u++) h[16 * j + u] = out[(16 * g + u) * outStride + r + j];
    }

    /** The sums of weight rows r .. r + rows from h into the outputs of the group's valid activation rows. */
    private static void store(float[] out, int outStride, int g, int r, int rows, int valid, float[] h) {
        for (int u = 0; u < valid; u++) {
            int o = (16 * g + u) * outStride + r;
            for (int j = 0; j < rows; j++) out[o + j] = h[16 * j + u];
        }
    }
}
