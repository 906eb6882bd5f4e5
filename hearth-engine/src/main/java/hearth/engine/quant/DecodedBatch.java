package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.hsum8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Batches (prefill, many activation rows) for block types whose ggml dot is "8 int lanes of four products each,
 * times d_w * d_x, fused into 8 float lanes block by block, then ggml's horizontal sum" (Q8_0, and the types whose
 * tinyBLAS/vec_dot path has the same shape). A slice of weight rows is decoded once into exact float lanes (the block
 * values as floats: integers, so products and their sums of four are exact, see {@link Activations#qf}) and every
 * activation row then passes over the slice with fused multiply-adds only. The decode cost, which the row kernels pay
 * once per four activation rows, is paid once per call.
 *
 * <p>(Tried and dropped: two weight rows per 512-bit vector against duplicated activations, and two weight rows
 * sharing the activation loads; neither was measurably faster on the AVX-512 VM.)
 */
final class DecodedBatch {
    private DecodedBatch() {}

    /** Fewer activation rows than this use the row kernels (decoding a slice only pays off when it is reused). */
    static final int MIN_ROWS = 8;

    /** Decoded floats per slice: the slice stays in L2 while all activation rows pass over it. */
    private static final int SLICE_FLOATS = 48 * 1024;

    /** A slice's decoded weights and their block scales; the scales of a tile's four activation rows, block-major. */
    private record Scratch(float[] weights, float[] scales, float[] tileScales) {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(new float[0], new float[0], new float[0]));

    private static Scratch scratch(int rows, int k) {
        Scratch s = SCRATCH.get();
        int nb = k / 32;
        if (s.weights.length < rows * k || s.scales.length < rows * nb || s.tileScales.length < 4 * nb) {
            s = new Scratch(new float[rows * k], new float[rows * nb], new float[4 * nb]);
            SCRATCH.set(s);
        }
        return s;
    }

    /** Rows per slice, at least 1. */
    static int sliceRows(int k) {
        return Math.max(1, SLICE_FLOATS / k);
    }

    static void matMul(TiledKernel dec, MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        matMul(new Rows() {
            @Override
            public void decode(int r0, int r1, int k, float[] dst, float[] scales) {
                for (int r = r0; r < r1; r++) dec.decodeFloatRow(w, r * rowBytes, k / 32, dst, (r - r0) * k, 8, 32, scales, (r - r0) * (k / 32));
            }

            @Override
            public void rows1(int from, int to, Activations a, int t, float[] out, int outStride) {
                dec.rows1(w, rowBytes, from, to, a, t, out, outStride);
            }
        }, rowFrom, rowTo, a, out, outStride);
    }

    /** Where a batch's weight rows come from, when not a kernel's rows as they are in the file. */
    interface Rows {
        /**
         * Weight rows [r0, r1) of k values as {@link TiledKernel#decodeFloatRow} writes them (group stride 8, block stride
         * 32): row r from dst[(r - r0) * k], its block scales from scales[(r - r0) * k / 32].
         */
        void decode(int r0, int r1, int k, float[] dst, float[] scales);

        /** Like {@link TiledKernel#rows1}: the activation rows left over from the tiles of four. */
        void rows1(int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride);
    }

    static void matMul(Rows rows, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int k = a.k, n = a.n, tiles = n & ~3;
        int slice = sliceRows(k);
        if (slice >= 8) slice &= ~7; // whole groups of 8 rows (the interleaved copies decode them together)
        Scratch s = scratch(slice, k);
        for (int r0 = rowFrom; r0 < rowTo; r0 += slice) {
            int r1 = Math.min(rowTo, r0 + slice);
            rows.decode(r0, r1, k, s.weights, s.scales);
            for (int t = 0; t < tiles; t += 4) tile(s, r0, r1, a, t, out, outStride);
            for (int t = tiles; t < n; t++) rows.rows1(r0, r1, a, t, out, outStride);
        }
    }

    /**
     * Activation rows t..t+3 against the decoded slice, one weight row per 256-bit vector. Every index is a fixed
     * offset plus a multiple of the block number, so the JIT hoists the bounds checks out of the block loop (with
     * {@code x += k} per activation row it checked every load: about half of the loop's instructions), and the four
     * rows' scales are read block-major from one short array.
     */
    private static void tile(Scratch s, int r0, int r1, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / 32;
        float[] ws = s.weights, sc = s.scales, xf = a.qf, dx = s.tileScales;
        for (int b = 0; b < nb; b++) for (int u = 0; u < 4; u++) dx[4 * b + u] = a.d[(t + u) * nb + b];
        int x0 = t * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        float[] h = new float[32];
        for (int r = r0; r < r1; r++) {
            int wo = (r - r0) * k, so = (r - r0) * nb;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++) {
                int e = 32 * b;
                FloatVector w0 = FloatVector.fromArray(F256, ws, wo + e), w1 = FloatVector.fromArray(F256, ws, wo + e + 8);
                FloatVector w2 = FloatVector.fromArray(F256, ws, wo + e + 16), w3 = FloatVector.fromArray(F256, ws, wo + e + 24);
                float dw = sc[so + b];
                FloatVector s0 = w3.fma(FloatVector.fromArray(F256, xf, x0 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x0 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x0 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x0 + e)))));
                FloatVector s1 = w3.fma(FloatVector.fromArray(F256, xf, x1 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x1 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x1 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x1 + e)))));
                FloatVector s2 = w3.fma(FloatVector.fromArray(F256, xf, x2 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x2 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x2 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x2 + e)))));
                FloatVector s3 = w3.fma(FloatVector.fromArray(F256, xf, x3 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x3 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x3 + e + 8), w0.mul(FloatVector.fromArray(F256, xf, x3 + e)))));
                acc0 = s0.fma(FloatVector.broadcast(F256, dw * dx[4 * b]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F256, dw * dx[4 * b + 1]), acc1);
                acc2 = s2.fma(FloatVector.broadcast(F256, dw * dx[4 * b + 2]), acc2);
                acc3 = s3.fma(FloatVector.broadcast(F256, dw * dx[4 * b + 3]), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            for (int u = 0; u < 4; u++) out[(t + u) * outStride + r] = hsum8(h, 8 * u);
        }
    }
}
