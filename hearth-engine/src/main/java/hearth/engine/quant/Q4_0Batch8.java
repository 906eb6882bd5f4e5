package hearth.engine.quant;

import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.LE;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static hearth.engine.quant.Simd.U16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batches (prefill) on the repacked Q4_0 path with 256-bit vectors, eight activation rows per vector: lane u of
 * every vector belongs to activation row 8g + u. ggml's q4_0_8x8 gemm keeps one float sum per output and adds each
 * block's exact integer total times d_w * d_x to it with one fused multiply-add; here the block total of eight
 * outputs at once is 32 fused multiply-adds of a broadcast weight (decoded once per slice of rows to the exact float
 * q - 8) with the eight rows' activations of that element, and the scale is one vector multiply of d_w with the
 * eight rows' d_x. Totals of products of |q - 8| <= 8 and |x| <= 127 stay far below 2^24, so the float sums are the
 * integer totals exactly, in any order: the outputs are those of {@link Q4_0Kernel#rows4} bit for bit, at about a
 * third of its instructions per product (it widens nibbles to shorts and transposes int lanes per block).
 */
final class Q4_0Batch8 {
    private Q4_0Batch8() {}

    /** Fewer activation rows than this use the row kernels. */
    static final int MIN_ROWS = 8;

    /**
     * Cache blocking: the blocks are taken in chunks whose activations (all groups of eight rows) fit in about
     * {@code X_FLOATS} floats, and the weight rows in slices whose decoded chunk fits in {@code W_FLOATS}; both stay in
     * L2 while the slice passes over every group. Each output's running sum is kept in {@code out} between chunks
     * (stored and reloaded as the same float: the order of its fused multiply-adds is ggml's).
     */
    private static final int X_FLOATS = 64 * 1024, W_FLOATS = 32 * 1024;

    /**
     * A slice's chunk of weights as floats q - 8 and its scales (row i of the slice at i * chunk elements); the
     * activations of each group of eight rows element-major (x[((g * nb + b) * 32 + e) * 8 + u], row 8g + u) and
     * their block scales (dx[(g * nb + b) * 8 + u]).
     */
    private record Scratch(float[] weights, float[] scales, float[] x, float[] dx) {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(new float[0], new float[0], new float[0], new float[0]));

    private static Scratch scratch(int sliceFloats, int sliceBlocks, int k, int groups) {
        Scratch s = SCRATCH.get();
        int nb = k / 32;
        if (s.weights.length < sliceFloats || s.scales.length < sliceBlocks || s.x.length < groups * 8 * k || s.dx.length < groups * 8 * nb) {
            s = new Scratch(new float[Math.max(s.weights.length, sliceFloats)], new float[Math.max(s.scales.length, sliceBlocks)],
                    new float[Math.max(s.x.length, groups * 8 * k)], new float[Math.max(s.dx.length, groups * 8 * nb)]);
            SCRATCH.set(s);
        }
        return s;
    }

    /** Blocks per chunk for {@code groups} groups of eight activation rows (at least 1, at most nb). */
    static int chunkBlocks(int nb, int groups) {
        return Math.clamp(X_FLOATS / (groups * 256), 1, nb);
    }

    /**
     * Weight rows per slice for chunks of {@code chunk} blocks: a multiple of four (at least 4), so that ranges of whole
     * groups of eight rows pass through the four-row loop of {@link #group} whole.
     */
    static int sliceRows(int chunk) {
        return Math.max(4, W_FLOATS / (chunk * 32) / 4 * 4);
    }

    /**
     * Outputs of activation rows [0, 8 * (n / 8)) for weight rows [rowFrom, rowTo); the caller does the rest. The
     * weights are read from the interleaved copy {@code p} where it is given (rowTo <= p.rows), else from {@code w}.
     */
    static void matMul(MemorySegment w, long rowBytes, Q4_0Repacked p, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int k = a.k, nb = k / 32, groups = a.n / 8;
        int chunk = chunkBlocks(nb, groups), slice = sliceRows(chunk);
        Scratch s = scratch(slice * chunk * 32, slice * chunk, k, groups);
        transpose(a, groups, s);
        for (int b0 = 0; b0 < nb; b0 += chunk) {
            int b1 = Math.min(nb, b0 + chunk);
            for (int r0 = rowFrom; r0 < rowTo; r0 += slice) {
                int r1 = Math.min(rowTo, r0 + slice);
                if (p != null) decodeRows(p, r0, r1, b0, b1 - b0, chunk, s.weights, s.scales);
                else for (int r = r0; r < r1; r++)
                    decodeRow(w, r * rowBytes + (long) b0 * Q4_0Kernel.BYTES, b1 - b0, s.weights, (r - r0) * chunk * 32, s.scales, (r - r0) * chunk);
                for (int g = 0; g < groups; g++) group(s, r0, r1, nb, chunk, b0, b1, g, out, outStride);
            }
        }
    }

    private static void transpose(Activations a, int groups, Scratch s) {
        int k = a.k, nb = k / 32;
        short[] q = a.q;
        float[] x = s.x, dx = s.dx;
        for (int g = 0; g < groups; g++) {
            for (int u = 0; u < 8; u++) {
                int row = 8 * g + u, src = row * k, dst = g * 8 * k + u;
                for (int i = 0; i < k; i++) x[dst + 8 * i] = q[src + i];
                for (int b = 0; b < nb; b++) dx[(g * nb + b) * 8 + u] = a.d[row * nb + b];
            }
        }
    }

    /** Element j < 16 of a block is the low nibble of byte j, element j + 16 its high nibble; each as q - 8. */
    private static void decodeRow(MemorySegment w, long offset, int nb, float[] dst, int dstOff, float[] scales, int scaleOff) {
        long o = offset;
        for (int b = 0; b < nb; b++, o += Q4_0Kernel.BYTES) {
            int y = dstOff + b * 32;
            ByteVector q = ByteVector.fromMemorySegment(B128, w, o + 2, LE);
            ByteVector lo = q.and((byte) 15).sub((byte) 8), hi = q.lanewise(LSHR, 4).sub((byte) 8);
            lo.convertShape(B2F, F256, 0).reinterpretAsFloats().intoArray(dst, y);
            lo.convertShape(B2F, F256, 1).reinterpretAsFloats().intoArray(dst, y + 8);
            hi.convertShape(B2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + 16);
            hi.convertShape(B2F, F256, 1).reinterpretAsFloats().intoArray(dst, y + 24);
            scales[scaleOff + b] = Float.float16ToFloat(w.get(U16, o));
        }
    }

    /**
     * Like {@link #decodeRow(MemorySegment, long, int, float[], int, float[], int)} for rows [r0, r1) of the copy,
     * blocks b0 .. b0 + nb (row r at (r - r0) * chunk blocks). The 8 bytes at 16 + 8j of a group-block are quant byte
     * j of the group's 8 rows; two 8 x 8 byte transposes turn the 16 longs back into the rows' 16 quant bytes, as
     * in the source.
     */
    private static void decodeRows(Q4_0Repacked p, int r0, int r1, int b0, int nb, int chunk, float[] dst, float[] scales) {
        MemorySegment w = p.data;
        long[] q = new long[16];
        for (int g = r0 >>> 3; g <= (r1 - 1) >>> 3; g++) {
            int lo = Math.max(r0, 8 * g), hi = Math.min(r1, 8 * g + 8);
            long o = ((long) g * p.blocksPerRow + b0) * Q4_0Repacked.GROUP_BLOCK;
            for (int b = 0; b < nb; b++, o += Q4_0Repacked.GROUP_BLOCK) {
                for (int j = 0; j < 8; j++) {
                    q[2 * j] = w.get(LONG, o + 16 + 8 * j);
                    q[2 * j + 1] = w.get(LONG, o + 80 + 8 * j);
                }
                Q4_0Repacked.transpose8x8(q, 0, 2); // the even longs: bytes 0..7, the odd ones: bytes 8..15
                Q4_0Repacked.transpose8x8(q, 1, 2);
                for (int r = lo; r < hi; r++) {
                    int i = r & 7, y = ((r - r0) * chunk + b) * 32;
                    ByteVector bytes = LongVector.fromArray(L128, q, 2 * i).reinterpretAsBytes();
                    ByteVector low = bytes.and((byte) 15).sub((byte) 8), high = bytes.lanewise(LSHR, 4).sub((byte) 8);
                    low.convertShape(B2F, F256, 0).reinterpretAsFloats().intoArray(dst, y);
                    low.convertShape(B2F, F256, 1).reinterpretAsFloats().intoArray(dst, y + 8);
                    high.convertShape(B2F, F256, 0).reinterpretAsFloats().intoArray(dst, y + 16);
                    high.convertShape(B2F, F256, 1).reinterpretAsFloats().intoArray(dst, y + 24);
                    scales[(r - r0) * chunk + b] = Float.float16ToFloat(w.get(U16, o + 2 * i));
                }
            }
        }
    }

    private static final VectorSpecies<Long> L128 = LongVector.SPECIES_128;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    /**
     * Weight rows [r0, r1) of the decoded slice against activation rows 8g .. 8g+7, blocks [b0, b1): four weight rows
     * at a time share the activation loads, each with two partial sums (short dependency chains).
     */
    private static void group(Scratch s, int r0, int r1, int nb, int chunk, int b0, int b1, int g, float[] out, int outStride) {
        float[] ws = s.weights, sc = s.scales, x = s.x, dx = s.dx;
        int xg = g * nb * 256, dg = g * nb * 8, n = b1 - b0;
        float[] h = new float[32];
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            // four weight rows share each activation load: per element one load and four broadcasts for four FMAs
            // (two rows: three loads for two), so the loop is no longer bound by its loads; two partial sums per row
            int c = chunk * 32, wo = (r - r0) * c, so = (r - r0) * chunk;
            FloatVector acc0 = running(out, outStride, g, r, b0, h, 0), acc1 = running(out, outStride, g, r + 1, b0, h, 8);
            FloatVector acc2 = running(out, outStride, g, r + 2, b0, h, 16), acc3 = running(out, outStride, g, r + 3, b0, h, 24);
            for (int i = 0; i < n; i++) {
                int xb = xg + 256 * (b0 + i), w0 = wo + 32 * i, w1 = w0 + c, w2 = w1 + c, w3 = w2 + c;
                FloatVector p0 = FloatVector.zero(F256), p1 = p0, q0 = p0, q1 = p0, t0 = p0, t1 = p0, u0 = p0, u1 = p0;
                for (int e = 0; e < 32; e += 2) {
                    FloatVector x0 = FloatVector.fromArray(F256, x, xb + 8 * e), x1 = FloatVector.fromArray(F256, x, xb + 8 * e + 8);
                    p0 = x0.fma(FloatVector.broadcast(F256, ws[w0 + e]), p0);
                    q0 = x0.fma(FloatVector.broadcast(F256, ws[w1 + e]), q0);
                    t0 = x0.fma(FloatVector.broadcast(F256, ws[w2 + e]), t0);
                    u0 = x0.fma(FloatVector.broadcast(F256, ws[w3 + e]), u0);
                    p1 = x1.fma(FloatVector.broadcast(F256, ws[w0 + e + 1]), p1);
                    q1 = x1.fma(FloatVector.broadcast(F256, ws[w1 + e + 1]), q1);
                    t1 = x1.fma(FloatVector.broadcast(F256, ws[w2 + e + 1]), t1);
                    u1 = x1.fma(FloatVector.broadcast(F256, ws[w3 + e + 1]), u1);
                }
                FloatVector d = FloatVector.fromArray(F256, dx, dg + 8 * (b0 + i));
                acc0 = p0.add(p1).fma(d.mul(sc[so + i]), acc0);
                acc1 = q0.add(q1).fma(d.mul(sc[so + chunk + i]), acc1);
                acc2 = t0.add(t1).fma(d.mul(sc[so + 2 * chunk + i]), acc2);
                acc3 = u0.add(u1).fma(d.mul(sc[so + 3 * chunk + i]), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            for (int u = 0; u < 8; u++) {
                int o = (8 * g + u) * outStride + r;
                out[o] = h[u];
                out[o + 1] = h[8 + u];
                out[o + 2] = h[16 + u];
                out[o + 3] = h[24 + u];
            }
        }
        for (; r < r1; r++) { // the rows left over (ranges of whole groups of eight leave none)
            int wo = (r - r0) * chunk * 32, so = (r - r0) * chunk;
            FloatVector acc0 = running(out, outStride, g, r, b0, h, 0);
            for (int i = 0; i < n; i++) {
                int xb = xg + 256 * (b0 + i), wb = wo + 32 * i;
                FloatVector p0 = FloatVector.zero(F256), p1 = p0;
                for (int e = 0; e < 32; e += 2) {
                    p0 = FloatVector.fromArray(F256, x, xb + 8 * e).fma(FloatVector.broadcast(F256, ws[wb + e]), p0);
                    p1 = FloatVector.fromArray(F256, x, xb + 8 * e + 8).fma(FloatVector.broadcast(F256, ws[wb + e + 1]), p1);
                }
                acc0 = p0.add(p1).fma(FloatVector.fromArray(F256, dx, dg + 8 * (b0 + i)).mul(sc[so + i]), acc0);
            }
            acc0.intoArray(h, 0);
            for (int u = 0; u < 8; u++) out[(8 * g + u) * outStride + r] = h[u];
        }
    }

    /** The eight outputs' sums so far (zero before the first chunk), via h[at .. at + 8). */
    private static FloatVector running(float[] out, int outStride, int g, int r, int b0, float[] h, int at) {
        if (b0 == 0) return FloatVector.zero(F256);
        for (int u = 0; u < 8; u++) h[at + u] = out[(8 * g + u) * outStride + r];
        return FloatVector.fromArray(F256, h, at);
    }
}
