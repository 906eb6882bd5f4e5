package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.F512;
import static hearth.engine.quant.Simd.hsum8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Batches (prefill, many activation rows) for block types whose ggml dot is "8 int lanes of four products each,
 * times d_w * d_x, fused into 8 float lanes block by block, then ggml's horizontal sum" (Q8_0, and the types whose
 * tinyBLAS/vec_dot path has the same shape), or super-block by super-block (Q4_K and Q6_K: the int lanes also sum the
 * sub-blocks, each times its integer scale; {@link TiledKernel#decodedSpan}). A slice of weight rows is decoded once
 * into exact float lanes (the block values as floats, times their sub-block scales: integers, so products and their
 * sums stay exact below 2^24, see {@link Activations#qf}) and every activation row then passes over the slice with
 * fused multiply-adds only. The decode cost, which the row kernels pay once per four activation rows, is paid once per
 * call. Terms outside the integer lanes (Q4_K's mins) come after the tiles ({@link TiledKernel#addDecodedTerms}).
 *
 * <p>The loops are bound by their vector loads, not by their multiply-adds: on the AVX-512 VM a 512-bit load that
 * straddles two cache lines costs as much as two, and Java arrays are aligned to 8 bytes only. So the 512-bit tile
 * ({@link #tileWide}) starts its operands on cache lines ({@link CacheLines}) and shares each load between two weight
 * rows or eight activation rows. (Earlier 512-bit tiles with unaligned operands and fewer rows per load, and two weight
 * rows per 512-bit vector against duplicated activations, were no faster than the 256-bit {@link #tile}.)
 */
final class DecodedBatch {
    private DecodedBatch() {}

    /** Fewer activation rows than this use the row kernels (decoding a slice only pays off when it is reused). */
    static final int MIN_ROWS = 8;

    /** Decoded floats per slice: the slice stays in L2 while all activation rows pass over it. */
    private static final int SLICE_FLOATS = 48 * 1024;

    /**
     * A slice's decoded weights and their block scales; the scales of a tile's four activation rows, block-major; with
     * 512-bit vectors, the weights again with every group of 8 lanes twice ({@link #tileWide}), from a cache line on.
     */
    private record Scratch(float[] weights, float[] scales, float[] tileScales, float[] doubled) {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(new float[0], new float[0], new float[0], new float[0]));

    private static Scratch scratch(int rows, int k, boolean wide) {
        Scratch s = SCRATCH.get();
        int nb = k / 32, doubled = wide ? 2 * rows * k + CacheLines.FLOATS : 0;
        if (s.weights.length < rows * k || s.scales.length < rows * nb || s.tileScales.length < 4 * nb || s.doubled.length < doubled) {
            s = new Scratch(new float[rows * k], new float[rows * nb], new float[4 * nb], new float[Math.max(doubled, s.doubled.length)]);
            SCRATCH.set(s);
        }
        return s;
    }

    /** Rows per slice, at least 1. */
    static int sliceRows(int k) {
        return Math.max(1, SLICE_FLOATS / k);
    }

    static void matMul(TiledKernel dec, MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int span = dec.decodedSpan();
        matMul(new Rows() {
            @Override
            public void decode(int r0, int r1, int k, float[] dst, float[] scales) {
                int scalesPerRow = k / 32 / span;
                for (int r = r0; r < r1; r++) dec.decodeFloatRow(w, r * rowBytes, k / 32, dst, (r - r0) * k, 8, 32, scales, (r - r0) * scalesPerRow);
            }

            @Override
            public void rows1(int from, int to, Activations a, int t, float[] out, int outStride) {
                dec.rows1(w, rowBytes, from, to, a, t, out, outStride);
            }

            @Override
            public int span() {
                return span;
            }

            @Override
            public void addTerms(int r0, int r1, Activations a, int tiled, float[] out, int outStride) {
                dec.addDecodedTerms(w, rowBytes, r0, r1, a, tiled, out, outStride);
            }
        }, rowFrom, rowTo, a, out, outStride);
    }

    /** Where a batch's weight rows come from, when not a kernel's rows as they are in the file. */
    interface Rows {
        /**
         * Weight rows [r0, r1) of k values as {@link TiledKernel#decodeFloatRow} writes them (group stride 8, block stride
         * 32): row r from dst[(r - r0) * k], its scales (one per {@link #span} blocks) from scales[(r - r0) * k / 32 / span].
         */
        void decode(int r0, int r1, int k, float[] dst, float[] scales);

        /** Like {@link TiledKernel#rows1}: the activation rows left over from the tiles of four. */
        void rows1(int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride);

        /** Blocks of 32 per weight scale, as {@link TiledKernel#decodedSpan}. */
        default int span() {
            return 1;
        }

        /**
         * Like {@link TiledKernel#addDecodedTerms}: after the tiles, for all the weight rows and the activation rows
         * [0, tiled) the tiles took (rows1 took the others whole).
         */
        default void addTerms(int r0, int r1, Activations a, int tiled, float[] out, int outStride) {}
    }

    /**
     * The activation layouts {@link #matMul} reads for n (>= {@link #MIN_ROWS}) rows: {@link Activations#qf2} alone with
     * 512-bit vectors; without, {@link Activations#qf}, and {@link Activations#qeo} for the kernel's rows1 when rows are
     * left over from the tiles of four.
     */
    static int layouts(int n) {
        return Simd.WIDE ? Activations.QF2 : Activations.QF | (n % 4 != 0 ? Activations.QEO : 0);
    }

    /**
     * With {@link Activations#qf2} (512-bit vectors) all activation rows go through {@link #tileWide}, pairs of them
     * four at a time, against a doubled copy of each slice; without, fours through {@link #tile} and the rows left over
     * through the kernel's rows1.
     */
    static void matMul(Rows rows, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int k = a.k, n = a.n, tiles = n & ~3, pairs = (n + 1) / 2, span = rows.span();
        boolean wide = Simd.WIDE && a.has(Activations.QF2);
        int slice = sliceRows(k);
        if (slice >= 8) slice &= ~7; // whole groups of 8 rows (the interleaved copies decode them together)
        Scratch s = scratch(slice, k, wide);
        for (int r0 = rowFrom; r0 < rowTo; r0 += slice) {
            int r1 = Math.min(rowTo, r0 + slice);
            rows.decode(r0, r1, k, s.weights, s.scales);
            if (wide) {
                int at = CacheLines.firstAligned(s.doubled);
                for (int i = 0, end = (r1 - r0) * k; i < end; i += 8) {
                    FloatVector group = FloatVector.fromArray(F256, s.weights, i);
                    group.intoArray(s.doubled, at + 2 * i);
                    group.intoArray(s.doubled, at + 2 * i + 8);
                }
                for (int p = 0; p < pairs; p += 4) tileWide(s, at, span, r0, r1, a, p, pairs - 1, out, outStride);
            } else {
                for (int t = 0; t < tiles; t += 4) tile(s, span, r0, r1, a, t, out, outStride);
                for (int t = tiles; t < n; t++) rows.rows1(r0, r1, a, t, out, outStride);
            }
        }
        rows.addTerms(rowFrom, rowTo, a, wide ? n : tiles, out, outStride);
    }

    /**
     * Activation pairs p .. p+3 of {@link Activations#qf2} (past {@code last}, the last pair again) against the doubled
     * slice, two weight rows at a time: 8 accumulators of 16 lanes, each the 8 int lanes of two activation rows. Per
     * block of 32 weights, 28 vector loads feed 512 products (the 256-bit {@link #tile}: 20 loads for 128). The exact
     * integer lanes run over {@code span} blocks (a weight scale's), then one fused multiply-add with d_w * d_x: every
     * lane takes {@link #tile}'s operations in its order, so the outputs are the same bit for bit. MatMulBench, n = 128,
     * one thread: Q8_0 576 x 1536 5.8-6.1 -> 3.4-3.6 ms, 896 x 4864 23-30 -> 18 ms; Q5_0 alike.
     */
    private static void tileWide(Scratch s, int at, int span, int r0, int r1, Activations a, int p, int last, float[] out, int outStride) {
        int k = a.k, nb = k / 32, pair = 2 * k, ns = nb / span, pairD = ns * 16;
        int p0 = p, p1 = Math.min(p + 1, last), p2 = Math.min(p + 2, last), p3 = Math.min(p + 3, last);
        float[] ws = s.doubled, sc = s.scales, xf = a.qf2, xd = a.d2;
        int x0 = a.qf2At + p0 * pair, x1 = a.qf2At + p1 * pair, x2 = a.qf2At + p2 * pair, x3 = a.qf2At + p3 * pair;
        int e0 = a.d2At + p0 * pairD, e1 = a.d2At + p1 * pairD, e2 = a.d2At + p2 * pairD, e3 = a.d2At + p3 * pairD;
        float[] h = new float[128];
        for (int r = r0; r < r1; r += 2) {
            int q = r + 1 < r1 ? r + 1 : r; // an odd last row goes in twice
            int v = at + (r - r0) * pair, u = at + (q - r0) * pair, cv = (r - r0) * ns, cu = (q - r0) * ns;
            FloatVector a00 = FloatVector.zero(F512), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            FloatVector s00 = a00, s01 = a00, s02 = a00, s03 = a00, s10 = a00, s11 = a00, s12 = a00, s13 = a00;
            // one loop over the blocks, the scales at the end of each span: nested loops (an inner one of one block
            // for Q8_0) made the 256-bit tile 2.4x slower
            for (int b = 0, c = 0, left = span; b < nb; b++) {
                int o = 64 * b; // four groups of 16 lanes
                FloatVector y0 = FloatVector.fromArray(F512, xf, x0 + o), y1 = FloatVector.fromArray(F512, xf, x1 + o);
                FloatVector y2 = FloatVector.fromArray(F512, xf, x2 + o), y3 = FloatVector.fromArray(F512, xf, x3 + o);
                FloatVector w = FloatVector.fromArray(F512, ws, v + o), z = FloatVector.fromArray(F512, ws, u + o);
                s00 = w.fma(y0, s00); s01 = w.fma(y1, s01); s02 = w.fma(y2, s02); s03 = w.fma(y3, s03);
                s10 = z.fma(y0, s10); s11 = z.fma(y1, s11); s12 = z.fma(y2, s12); s13 = z.fma(y3, s13);
                y0 = FloatVector.fromArray(F512, xf, x0 + o + 16); y1 = FloatVector.fromArray(F512, xf, x1 + o + 16);
                y2 = FloatVector.fromArray(F512, xf, x2 + o + 16); y3 = FloatVector.fromArray(F512, xf, x3 + o + 16);
                w = FloatVector.fromArray(F512, ws, v + o + 16); z = FloatVector.fromArray(F512, ws, u + o + 16);
                s00 = w.fma(y0, s00); s01 = w.fma(y1, s01); s02 = w.fma(y2, s02); s03 = w.fma(y3, s03);
                s10 = z.fma(y0, s10); s11 = z.fma(y1, s11); s12 = z.fma(y2, s12); s13 = z.fma(y3, s13);
                y0 = FloatVector.fromArray(F512, xf, x0 + o + 32); y1 = FloatVector.fromArray(F512, xf, x1 + o + 32);
                y2 = FloatVector.fromArray(F512, xf, x2 + o + 32); y3 = FloatVector.fromArray(F512, xf, x3 + o + 32);
                w = FloatVector.fromArray(F512, ws, v + o + 32); z = FloatVector.fromArray(F512, ws, u + o + 32);
                s00 = w.fma(y0, s00); s01 = w.fma(y1, s01); s02 = w.fma(y2, s02); s03 = w.fma(y3, s03);
                s10 = z.fma(y0, s10); s11 = z.fma(y1, s11); s12 = z.fma(y2, s12); s13 = z.fma(y3, s13);
                y0 = FloatVector.fromArray(F512, xf, x0 + o + 48); y1 = FloatVector.fromArray(F512, xf, x1 + o + 48);
                y2 = FloatVector.fromArray(F512, xf, x2 + o + 48); y3 = FloatVector.fromArray(F512, xf, x3 + o + 48);
                w = FloatVector.fromArray(F512, ws, v + o + 48); z = FloatVector.fromArray(F512, ws, u + o + 48);
                s00 = w.fma(y0, s00); s01 = w.fma(y1, s01); s02 = w.fma(y2, s02); s03 = w.fma(y3, s03);
                s10 = z.fma(y0, s10); s11 = z.fma(y1, s11); s12 = z.fma(y2, s12); s13 = z.fma(y3, s13);
                if (--left > 0) continue;
                float dw = sc[cv + c], dz = sc[cu + c];
                FloatVector d0 = FloatVector.fromArray(F512, xd, e0 + 16 * c), d1 = FloatVector.fromArray(F512, xd, e1 + 16 * c);
                FloatVector d2 = FloatVector.fromArray(F512, xd, e2 + 16 * c), d3 = FloatVector.fromArray(F512, xd, e3 + 16 * c);
                a00 = s00.fma(d0.mul(dw), a00); a01 = s01.fma(d1.mul(dw), a01); a02 = s02.fma(d2.mul(dw), a02); a03 = s03.fma(d3.mul(dw), a03);
                a10 = s10.fma(d0.mul(dz), a10); a11 = s11.fma(d1.mul(dz), a11); a12 = s12.fma(d2.mul(dz), a12); a13 = s13.fma(d3.mul(dz), a13);
                s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = FloatVector.zero(F512);
                c++;
                left = span;
            }
            a00.intoArray(h, 0); a01.intoArray(h, 16); a02.intoArray(h, 32); a03.intoArray(h, 48);
            a10.intoArray(h, 64); a11.intoArray(h, 80); a12.intoArray(h, 96); a13.intoArray(h, 112);
            for (int j = 0; j < 4; j++) { // pair p + j (or the last one again): its rows' lanes 0..7, then 8..15
                int t = 2 * Math.min(p + j, last);
                for (int i = 0; i < 2 && t + i < a.n; i++) {
                    out[(t + i) * outStride + r] = hsum8(h, 16 * j + 8 * i);
                    out[(t + i) * outStride + q] = hsum8(h, 64 + 16 * j + 8 * i);
                }
            }
        }
    }

    /**
     * Activation rows t..t+3 against the decoded slice, one weight row per 256-bit vector; the exact integer lanes over
     * {@code span} blocks, then the scales. Every index is a fixed offset plus a multiple of the block number, so the
     * JIT hoists the bounds checks out of the block loop (with {@code x += k} per activation row it checked every load:
     * about half of the loop's instructions), and the four rows' scales are read scale-major from one short array.
     */
    private static void tile(Scratch s, int span, int r0, int r1, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / 32, ns = nb / span;
        float[] ws = s.weights, sc = s.scales, xf = a.qf, dx = s.tileScales;
        for (int c = 0; c < ns; c++) for (int u = 0; u < 4; u++) dx[4 * c + u] = a.d[(t + u) * ns + c];
        int x0 = t * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        float[] h = new float[32];
        for (int r = r0; r < r1; r++) {
            int wo = (r - r0) * k, so = (r - r0) * ns;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            FloatVector s0 = acc0, s1 = acc0, s2 = acc0, s3 = acc0;
            for (int b = 0, c = 0, left = span; b < nb; b++) { // one loop, as in tileWide
                int e = 32 * b;
                FloatVector w0 = FloatVector.fromArray(F256, ws, wo + e), w1 = FloatVector.fromArray(F256, ws, wo + e + 8);
                FloatVector w2 = FloatVector.fromArray(F256, ws, wo + e + 16), w3 = FloatVector.fromArray(F256, ws, wo + e + 24);
                s0 = w3.fma(FloatVector.fromArray(F256, xf, x0 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x0 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x0 + e + 8), w0.fma(FloatVector.fromArray(F256, xf, x0 + e), s0))));
                s1 = w3.fma(FloatVector.fromArray(F256, xf, x1 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x1 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x1 + e + 8), w0.fma(FloatVector.fromArray(F256, xf, x1 + e), s1))));
                s2 = w3.fma(FloatVector.fromArray(F256, xf, x2 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x2 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x2 + e + 8), w0.fma(FloatVector.fromArray(F256, xf, x2 + e), s2))));
                s3 = w3.fma(FloatVector.fromArray(F256, xf, x3 + e + 24), w2.fma(FloatVector.fromArray(F256, xf, x3 + e + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x3 + e + 8), w0.fma(FloatVector.fromArray(F256, xf, x3 + e), s3))));
                if (--left > 0) continue;
                float dw = sc[so + c];
                acc0 = s0.fma(FloatVector.broadcast(F256, dw * dx[4 * c]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F256, dw * dx[4 * c + 1]), acc1);
                acc2 = s2.fma(FloatVector.broadcast(F256, dw * dx[4 * c + 2]), acc2);
                acc3 = s3.fma(FloatVector.broadcast(F256, dw * dx[4 * c + 3]), acc3);
                s0 = s1 = s2 = s3 = FloatVector.zero(F256);
                c++;
                left = span;
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            for (int u = 0; u < 4; u++) out[(t + u) * outStride + r] = hsum8(h, 8 * u);
        }
    }
}
