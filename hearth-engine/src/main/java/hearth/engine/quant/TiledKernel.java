package hearth.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Batched mat-mul over a range of weight rows. Each row is taken once and multiplied with every activation row
 * while it sits in L1. Kernels with a micro-kernel ({@link #dot2}, {@link #dot4}) also decode each weight block
 * once for two or four activation rows. (Wider micro-kernels exceed C2's inlining budget: the Vector API expands into many
 * IR nodes, and a kernel whose helpers are not inlined boxes every vector.)
 */
abstract class TiledKernel implements QuantKernel {

    /** Activation rows per micro-kernel call: 1 (single dots), 2 ({@link #dot2}) or 4 ({@link #dot4}). */
    int tile() {
        return 1;
    }

    /** out[outIndex] = row · activation row t, out[outIndex + outStride] = row · activation row t + 1. */
    void dot2(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        out[outIndex] = dot(w, offset, a, t);
        out[outIndex + outStride] = dot(w, offset, a, t + 1);
    }

    /** Like {@link #dot2} for activation rows t .. t+3. */
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        dot2(w, offset, a, t, out, outIndex, outStride);
        dot2(w, offset, a, t + 2, out, outIndex + 2 * outStride, outStride);
    }

    /**
     * Whether this kernel has row micro-kernels ({@link #rows1}, {@link #rows2}, {@link #rows4}): methods that hold
     * the whole loop nest (weight rows, blocks, activation rows) with the vector code written out, no vector-valued
     * helper calls. C2 compiles each as one unit; helpers that take or return vectors and miss its inlining budget box
     * every vector.
     */
    boolean rowKernels() {
        return false;
    }

    /**
     * What {@link #matMul} reads with the vector kernels: a kernel with row micro-kernels reads {@link Activations#qeo}
     * (and the always-filled {@link Activations#q}), never {@link Activations#qg}; batches through {@link DecodedBatch}
     * read what {@link DecodedBatch#layouts} says; a kernel without row kernels reads only {@link Activations#qg} (its
     * vector dot products). Kernels whose row kernels read other copies (Q8_0's, Q4_0's) say so themselves.
     */
    @Override
    public int activationLayouts(int n, GgmlPath path) {
        if (!Simd.ENABLED) return QuantKernel.super.activationLayouts(n, path);
        if (!rowKernels()) return Activations.QG;
        if (n >= DecodedBatch.MIN_ROWS && floatDecoded()) return DecodedBatch.layouts(n);
        return Activations.QEO;
    }

    /** out[t * outStride + r] = row r · activation row t for r in [rowFrom, rowTo). */
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        throw new UnsupportedOperationException();
    }

    /** Like {@link #rows1} for activation rows t and t + 1; the same outputs bit for bit. */
    void rows2(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        rows1(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
        rows1(w, rowBytes, rowFrom, rowTo, a, t + 1, out, outStride);
    }

    /**
     * Like {@link #rows1} for activation rows t .. t+3; kernels that can decode each weight block once for the four
     * override it. By default, rows1 for each.
     */
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        for (int u = t; u < t + 4; u++) rows1(w, rowBytes, rowFrom, rowTo, a, u, out, outStride);
    }

    /**
     * A pass over two weight rows (slices) with activation row t: their float accumulators to h[0..8) and h[8..16), for
     * {@link Simd#hsum8}, and with {@code scalarTerms} in {@link #inPairs} one scalar term each: h[16] times h[18] for
     * the first row, h[17] times h[19] for the second (h[18] and h[19] are 1 unless the pass sets them).
     */
    @FunctionalInterface
    interface RowPair {
        void run(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h);
    }

    private static final ThreadLocal<short[]> PAIRED = ThreadLocal.withInitial(() -> new short[0]);

    /**
     * Activation row t of {@link Activations#qeo} (16 even values, then 16 odd ones, per 32) for 512-bit row kernels
     * whose one load takes two neighbouring chunks of {@code chunk} weights (32 or 64): every two chunks' 16-value units
     * interleaved (unit u of the first, unit u of the second, for each u), so that lanes 0..15 of a 32-lane vector meet
     * the first chunk and lanes 16..31 the second. Returned in this thread's scratch, row t at 0.
     */
    static short[] pairedChunks(Activations a, int t, int chunk) {
        int k = a.k, units = chunk / 16;
        short[] xp = PAIRED.get();
        if (xp.length < k) PAIRED.set(xp = new short[k]);
        for (int c = 0; c < k / chunk; c++) {
            int to = 2 * chunk * (c / 2) + 16 * (c % 2);
            for (int u = 0; u < units; u++) System.arraycopy(a.qeo, t * k + chunk * c + 16 * u, xp, to + 32 * u, 16);
        }
        return xp;
    }

    /**
     * rows1 by pairs of weight rows: row i of the first half of the range with row i of the second, two memory streams
     * that keep more cache-line fills in flight than adjacent rows (decoding reads the weights from L3 or memory; see
     * Q8_0Kernel.rows1); with an odd count the middle row goes in twice. Each output is hsum8 of its lanes, with
     * {@code scalarTerms} plus its scalar term in one rounding (times 1 that is a plain addition).
     */
    static void inPairs(RowPair pair, boolean scalarTerms, MemorySegment w, long rowBytes, int rowFrom, int rowTo,
            Activations a, int t, float[] out, int outStride) {
        float[] h = new float[20];
        int oi = t * outStride;
        int half = (rowTo - rowFrom + 1) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowFrom + i;
            int r1 = r + half < rowTo ? r + half : r;
            h[18] = h[19] = 1;
            pair.run(w.asSlice(r * rowBytes, rowBytes), w.asSlice(r1 * rowBytes, rowBytes), a, t, h);
            out[oi + r] = scalarTerms ? Math.fma(h[16], h[18], Simd.hsum8(h, 0)) : Simd.hsum8(h, 0);
            out[oi + r1] = scalarTerms ? Math.fma(h[17], h[19], Simd.hsum8(h, 8)) : Simd.hsum8(h, 8);
        }
    }

    /** Activation rows t .. n-1 through the row micro-kernels: fours, then a two, then a one. */
    void rowsFrom(int t, MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int n = a.n;
        for (; t + 4 <= n; t += 4) rows4(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
        if (t + 2 <= n) {
            rows2(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
            t += 2;
        }
        for (; t < n; t++) rows1(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    /** Whether batches of {@link DecodedBatch#MIN_ROWS}+ activation rows go through {@link DecodedBatch}. */
    boolean floatDecoded() {
        return false;
    }

    /**
     * Blocks of 32 per float scale in {@link #decodeFloatRow}: 1 for the 32-value types, 8 for the K-quants, whose
     * sub-block scales go into the decoded values (exact integers still) and whose super-block scale d_w multiplies
     * ggml's integer lanes once per 256 values.
     */
    int decodedSpan() {
        return 1;
    }

    /**
     * Adds to out the terms of the dot products that the decoded values leave out, for weight rows [r0, r1) and
     * activation rows [0, tiled) (Q4_K's mins); nothing by default.
     */
    void addDecodedTerms(MemorySegment w, long rowBytes, int r0, int r1, Activations a, int tiled, float[] out, int outStride) {}

    /**
     * Writes the row at {@code offset} (nb blocks of 32) as exact float lanes for {@link DecodedBatch}: lane j of group
     * m of block b (ggml's int lane j, element 4j + m) to dst[dstOff + b * blockStride + m * groupStride + j], and
     * the scale d_w of blocks b .. b + {@link #decodedSpan} - 1 to scales[scaleOff + b / decodedSpan()].
     */
    void decodeFloatRow(MemorySegment w, long offset, int nb, float[] dst, int dstOff, int groupStride, int blockStride,
            float[] scales, int scaleOff) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void matMul(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int n = a.n;
        if (Simd.ENABLED && rowKernels()) {
            if (n >= DecodedBatch.MIN_ROWS && floatDecoded()) {
                DecodedBatch.matMul(this, w, rowBytes, rowFrom, rowTo, a, out, outStride);
                return;
            }
            rowsFrom(0, w, rowBytes, rowFrom, rowTo, a, out, outStride);
            return;
        }
        int tile = Simd.ENABLED ? tile() : 1;
        for (int r = rowFrom; r < rowTo; r++) {
            long off = r * rowBytes;
            int t = 0;
            if (tile == 4) {
                for (; t + 4 <= n; t += 4) dot4(w, off, a, t, out, t * outStride + r, outStride);
            }
            if (tile >= 2) {
                for (; t + 2 <= n; t += 2) dot2(w, off, a, t, out, t * outStride + r, outStride);
            }
            for (; t < n; t++) out[t * outStride + r] = dot(w, off, a, t);
        }
    }
}
