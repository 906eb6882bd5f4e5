package hearth.engine.quant;

import static hearth.engine.quant.Q8_0Repacked.GROUP_BLOCK;
import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.F512;
import static hearth.engine.quant.Simd.I512;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.LE;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_S2I;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q8_0 mat-mul on the 16-row interleaved copy ({@link Q8_0Repacked}) with 512-bit vectors, bit for bit ggml's AVX2
 * numerics. Lane r of a vector is row 16g + r of the group: one element's 16 quant bytes are widened to 16 floats in
 * one conversion, with no shifts and no horizontal sums. For ggml's int lane j of a block (elements 4j..4j+3, summed
 * as integers, which float arithmetic does exactly far below 2^24) the four element vectors are multiplied by the
 * activation values (broadcast from {@link Activations#qf}) and added; the lane sum then takes ggml's fused
 * multiply-add with d_w * d_x into accumulator j. The eight accumulators are finally added lane-wise in ggml's
 * {@code hsum_float_8} order, which gives the group's 16 outputs at once. The 16 fp16 scales of a block are widened to
 * floats exactly with integer operations (exponent rebias by multiplying with 2^112, which also scales fp16 subnormals
 * exactly; the copy holds no inf/NaN scales, see {@link Q8_0Repacked}).
 *
 * <p>Batches go four activation rows at a time, each weight vector converted once for the four, over tiles of groups
 * small enough to stay in cache while every four pass; the rows left over go one at a time. Against the 512-bit
 * four-row kernel this replaces (two activation rows per vector, weights decoded with shifts), with 576 x 1536 weights
 * in cache on one core: 118-125 us against 223-239 us for four rows. From memory both are bound by the reads.
 */
final class Q8_0Interleaved {
    private Q8_0Interleaved() {}

    /** Bytes of weights per tile: the groups every four activation rows pass over before the next tile. */
    private static final int TILE_BYTES = 256 * 1024;

    /** out[t * outStride + r] = row r · activation row t for the rows of groups [g0, g1) and every t. */
    static void matMul(Q8_0Repacked p, int g0, int g1, Activations a, float[] out, int outStride) {
        int nb = p.blocksPerRow, n = a.n, k = a.k;
        int tile = Math.max(1, TILE_BYTES / (nb * GROUP_BLOCK));
        for (int g = g0; g < g1; g += tile) {
            int end = Math.min(g1, g + tile);
            int t = 0;
            for (; t + 4 <= n; t += 4) rows4(p.data, nb, g, end, a.qf, a.d, k, t, out, outStride);
            for (; t < n; t++) rows1(p.data, nb, g, end, a.qf, a.d, k, t, out, outStride);
        }
    }

    /**
     * Activation row t against groups [g0, g1): all eight lanes of a block at once, with the block's scales once.
     * Unrolled by hand: the accumulators must be locals for C2 to keep them in registers, and vector-valued helper
     * methods that C2 does not inline box every vector (some eight times slower). Four rows written out this way are too
     * large for the compilers (C1 runs out of registers on them), hence the lane passes of {@link #rows4}.
     */
    private static void rows1(MemorySegment p, int nb, int g0, int g1, float[] xf, float[] xd, int k, int t, float[] out, int outStride) {
        int xo = t * k, bo = t * nb;
        long js = 64L * nb; // bytes between lane j's and lane j + 1's quants of a block
        for (int g = g0; g < g1; g++) {
            long base = (long) g * nb * GROUP_BLOCK;
            FloatVector c0 = FloatVector.zero(F512), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int b = 0; b < nb; b++) {
                IntVector h16 = (IntVector) ShortVector.fromMemorySegment(S256, p, base + 32L * b, LE).convertShape(ZERO_EXTEND_S2I, I512, 0);
                FloatVector d = h16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .or(h16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats().mul(xd[bo + b]);
                long q = base + 32L * nb + 64L * b;
                int x = xo + b * 32;
                FloatVector w, s;
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 0]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 8]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 16]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 24]), s);
                c0 = s.fma(d, c0);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 1 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 1]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 1 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 9]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 1 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 17]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 1 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 25]), s);
                c1 = s.fma(d, c1);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 2 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 2]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 2 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 10]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 2 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 18]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 2 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 26]), s);
                c2 = s.fma(d, c2);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 3 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 3]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 3 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 11]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 3 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 19]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 3 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 27]), s);
                c3 = s.fma(d, c3);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 4 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 4]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 4 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 12]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 4 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 20]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 4 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 28]), s);
                c4 = s.fma(d, c4);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 5 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 5]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 5 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 13]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 5 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 21]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 5 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 29]), s);
                c5 = s.fma(d, c5);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 6 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 6]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 6 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 14]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 6 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 22]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 6 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 30]), s);
                c6 = s.fma(d, c6);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 7 * js, LE).convertShape(B2F, F512, 0); s = w.mul(xf[x + 7]);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 7 * js + 16, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 15]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 7 * js + 32, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 23]), s);
                w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 7 * js + 48, LE).convertShape(B2F, F512, 0); s = w.fma(FloatVector.broadcast(F512, xf[x + 31]), s);
                c7 = s.fma(d, c7);
            }
            c0.add(c4).add(c2.add(c6)).add(c1.add(c5).add(c3.add(c7))).intoArray(out, t * outStride + 16 * g);
        }
    }

    /**
     * Activation rows t .. t + 3 against groups [g0, g1), each weight vector converted once for the four. Lane j of every
     * block is a pass of its own over the group's blocks (one accumulator per activation row, so the loop stays small
     * for the compilers); the eight lane totals meet in h and are added in ggml's order at the end.
     */
    private static void rows4(MemorySegment p, int nb, int g0, int g1, float[] xf, float[] xd, int k, int t, float[] out, int outStride) {
        float[] ds = new float[4 * nb * 16], h = new float[4 * 128];
        int xo = t * k;
        for (int g = g0; g < g1; g++) {
            long base = (long) g * nb * GROUP_BLOCK, q = base + 32L * nb;
            for (int b = 0; b < nb; b++) {
                IntVector h16 = (IntVector) ShortVector.fromMemorySegment(S256, p, base + 32L * b, LE).convertShape(ZERO_EXTEND_S2I, I512, 0);
                FloatVector dw = h16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .or(h16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
                for (int u = 0; u < 4; u++) dw.mul(xd[(t + u) * nb + b]).intoArray(ds, (u * nb + b) * 16);
            }
            for (int j = 0; j < 8; j++) {
                FloatVector c0 = FloatVector.zero(F512), c1 = c0, c2 = c0, c3 = c0;
                for (int b = 0, x = xo + j; b < nb; b++, q += 64, x += 32) {
                    FloatVector w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q, LE).convertShape(B2F, F512, 0);
                    FloatVector s0 = w.mul(xf[x]), s1 = w.mul(xf[x + k]), s2 = w.mul(xf[x + 2 * k]), s3 = w.mul(xf[x + 3 * k]);
                    w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 16, LE).convertShape(B2F, F512, 0);
                    s0 = w.fma(FloatVector.broadcast(F512, xf[x + 8]), s0);
                    s1 = w.fma(FloatVector.broadcast(F512, xf[x + k + 8]), s1);
                    s2 = w.fma(FloatVector.broadcast(F512, xf[x + 2 * k + 8]), s2);
                    s3 = w.fma(FloatVector.broadcast(F512, xf[x + 3 * k + 8]), s3);
                    w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 32, LE).convertShape(B2F, F512, 0);
                    s0 = w.fma(FloatVector.broadcast(F512, xf[x + 16]), s0);
                    s1 = w.fma(FloatVector.broadcast(F512, xf[x + k + 16]), s1);
                    s2 = w.fma(FloatVector.broadcast(F512, xf[x + 2 * k + 16]), s2);
                    s3 = w.fma(FloatVector.broadcast(F512, xf[x + 3 * k + 16]), s3);
                    w = (FloatVector) ByteVector.fromMemorySegment(B128, p, q + 48, LE).convertShape(B2F, F512, 0);
                    s0 = w.fma(FloatVector.broadcast(F512, xf[x + 24]), s0);
                    s1 = w.fma(FloatVector.broadcast(F512, xf[x + k + 24]), s1);
                    s2 = w.fma(FloatVector.broadcast(F512, xf[x + 2 * k + 24]), s2);
                    s3 = w.fma(FloatVector.broadcast(F512, xf[x + 3 * k + 24]), s3);
                    c0 = s0.fma(FloatVector.fromArray(F512, ds, b * 16), c0);
                    c1 = s1.fma(FloatVector.fromArray(F512, ds, (nb + b) * 16), c1);
                    c2 = s2.fma(FloatVector.fromArray(F512, ds, (2 * nb + b) * 16), c2);
                    c3 = s3.fma(FloatVector.fromArray(F512, ds, (3 * nb + b) * 16), c3);
                }
                c0.intoArray(h, j * 16);
                c1.intoArray(h, 128 + j * 16);
                c2.intoArray(h, 256 + j * 16);
                c3.intoArray(h, 384 + j * 16);
            }
            for (int u = 0; u < 4; u++) hsum8(h, 128 * u, out, (t + u) * outStride + 16 * g);
        }
    }

    /** Lane-wise ggml {@code hsum_float_8} of the eight 16-float lane totals at h[o ..]: the group's 16 outputs. */
    private static void hsum8(float[] h, int o, float[] out, int at) {
        FloatVector a = FloatVector.fromArray(F512, h, o).add(FloatVector.fromArray(F512, h, o + 64))
                .add(FloatVector.fromArray(F512, h, o + 32).add(FloatVector.fromArray(F512, h, o + 96)));
        FloatVector c = FloatVector.fromArray(F512, h, o + 16).add(FloatVector.fromArray(F512, h, o + 80))
                .add(FloatVector.fromArray(F512, h, o + 48).add(FloatVector.fromArray(F512, h, o + 112)));
        a.add(c).intoArray(out, at);
    }
}
