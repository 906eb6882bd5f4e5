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

    private record Scratch(float[] weights, float[] scales) {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(new float[0], new float[0]));

    private static Scratch scratch(int rows, int k) {
        Scratch s = SCRATCH.get();
        int nb = k / 32;
        if (s.weights.length < rows * k || s.scales.length < rows * nb) {
            s = new Scratch(new float[rows * k], new float[rows * nb]);
            SCRATCH.set(s);
        }
        return s;
    }

    /** Rows per slice, at least 1. */
    static int sliceRows(int k) {
        return Math.max(1, SLICE_FLOATS / k);
    }

    static void matMul(TiledKernel dec, MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int k = a.k, n = a.n, tiles = n & ~3;
        int slice = sliceRows(k);
        Scratch s = scratch(slice, k);
        for (int r0 = rowFrom; r0 < rowTo; r0 += slice) {
            int r1 = Math.min(rowTo, r0 + slice);
            for (int r = r0; r < r1; r++) dec.decodeFloatRow(w, r * rowBytes, k / 32, s.weights, (r - r0) * k, 8, 32, s.scales, (r - r0) * (k / 32));
            for (int t = 0; t < tiles; t += 4) tile(s, r0, r1, a, t, out, outStride);
            for (int t = tiles; t < n; t++) dec.rows1(w, rowBytes, r0, r1, a, t, out, outStride);
        }
    }

    /** Activation rows t..t+3 against the decoded slice, one weight row per 256-bit vector. */
    private static void tile(Scratch s, int r0, int r1, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / 32;
        float[] ws = s.weights, sc = s.scales, xf = a.qf, xd = a.d;
        float[] h = new float[32];
        for (int r = r0; r < r1; r++) {
            int wo = (r - r0) * k, so = (r - r0) * nb;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++) {
                int wb = wo + b * 32;
                FloatVector w0 = FloatVector.fromArray(F256, ws, wb), w1 = FloatVector.fromArray(F256, ws, wb + 8);
                FloatVector w2 = FloatVector.fromArray(F256, ws, wb + 16), w3 = FloatVector.fromArray(F256, ws, wb + 24);
                float dw = sc[so + b];
                int x = t * k + b * 32, d = t * nb + b;
                FloatVector s0 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                acc0 = s0.fma(FloatVector.broadcast(F256, dw * xd[d]), acc0);
                x += k;
                FloatVector s1 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                acc1 = s1.fma(FloatVector.broadcast(F256, dw * xd[d + nb]), acc1);
                x += k;
                FloatVector s2 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                acc2 = s2.fma(FloatVector.broadcast(F256, dw * xd[d + 2 * nb]), acc2);
                x += k;
                FloatVector s3 = w3.fma(FloatVector.fromArray(F256, xf, x + 24), w2.fma(FloatVector.fromArray(F256, xf, x + 16),
                        w1.fma(FloatVector.fromArray(F256, xf, x + 8), w0.mul(FloatVector.fromArray(F256, xf, x)))));
                acc3 = s3.fma(FloatVector.broadcast(F256, dw * xd[d + 3 * nb]), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            for (int u = 0; u < 4; u++) out[(t + u) * outStride + r] = hsum8(h, 8 * u);
        }
    }
}
