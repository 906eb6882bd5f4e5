package hearth.engine.quant;

import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_S2I;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0 decoding (one to seven activation rows) on the 8-row interleaved copy ({@link Q4_0Repacked}) with 256-bit
 * vectors: ggml's q4_0_8x8 numerics (per output one float sum, one fused multiply-add per block of the exact integer
 * block total), eight weight rows at a time, the same outputs bit for bit as {@link Q4_0Kernel#rows1}.
 *
 * <p>The 128 quant bytes of a group-block are read as eight 16-byte pieces; piece L, widened to 16 short lanes, holds
 * in lane i quant byte B = lo + 16 hi of row i % 8 for element e = 2L + i / 8 (lo) and e + 16 (hi). With activations
 * expanded to match (lane i: XL = x[e], Y = x[e + 16] - 16 x[e]), B * XL + (B >> 4) * Y = lo * x[e] + hi * x[e + 16].
 * Summed over the eight pieces and then over lanes r and r + 8, lane r holds sum(q * x) of row r; minus 8 * sum(x)
 * that is the block's sum((q - 8) * x), at most 8 * 127 * 32 = 32512 in size: all of it in wrapping 16-bit
 * arithmetic, exact modulo 2^16 and so exact. About eight vector operations per block and weight row, where the row
 * kernels need some seventeen (they widen each row's nibbles and transpose four rows' int lanes per block). The scales
 * are widened to float as in {@link Q4_0Interleaved}. The vector code is written out in each kernel: helpers that take or
 * return vectors box them where C2 does not inline them.
 */
final class Q4_0Interleaved256 {
    private Q4_0Interleaved256() {}

    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;

    /** Shorts of expanded activations per block: XL and Y of the eight pieces, 16 lanes each (as many as 512-bit's). */
    static final int EXPANDED = Q4_0Interleaved.EXPANDED;

    /** The two 128-bit halves of a 256-bit vector swapped (one vpermd; a short vector's upper half is a slow shuffle). */
    private static final VectorShuffle<Integer> SWAP_HALVES = VectorShuffle.fromValues(I256, 4, 5, 6, 7, 0, 1, 2, 3);

    /** Piece L's lanes: element 2L (lanes 0..7) and 2L + 1 (lanes 8..15) of a 16-element half block. */
    private static final VectorShuffle<Short>[] PIECE = pieces();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Short>[] pieces() {
        VectorShuffle<Short>[] s = new VectorShuffle[8];
        for (int l = 0; l < 8; l++) {
            int[] idx = new int[16];
            for (int i = 0; i < 16; i++) idx[i] = 2 * l + i / 8;
            s[l] = VectorShuffle.fromValues(S256, idx);
        }
        return s;
    }

    /**
     * Activation rows t .. t + count - 1 of {@code a}, block by block, into xa (row u at u * nb * EXPANDED) and xc (row
     * u at u * nb): the expanded XL / Y vectors and -8 times the block sum.
     */
    private static void expandRows(Activations a, int t, int count, short[] xa, short[] xc) {
        int nb = a.k / Q4_0Kernel.BLOCK;
        for (int u = 0; u < count; u++) {
            for (int b = 0; b < nb; b++) {
                int src = (t + u) * a.k + b * Q4_0Kernel.BLOCK;
                ShortVector lo = ShortVector.fromArray(S256, a.q, src), hi = ShortVector.fromArray(S256, a.q, src + 16);
                int o = (u * nb + b) * EXPANDED;
                for (int l = 0; l < 8; l++) {
                    ShortVector xl = lo.rearrange(PIECE[l]);
                    xl.intoArray(xa, o + 32 * l);
                    hi.rearrange(PIECE[l]).sub(xl.lanewise(LSHL, 4)).intoArray(xa, o + 32 * l + 16);
                }
                xc[u * nb + b] = (short) (-8 * lo.add(hi).reduceLanes(ADD));
            }
        }
    }

    /**
     * out[u * outStride + r] = row r · activation row u for r in [rowFrom, rowTo) (rowTo <= p.rows) and the activation
     * rows u in [t, a.n): two at a time (each weight block read once for both), then a single one.
     */
    static void matMul(Q4_0Repacked p, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int nb = p.blocksPerRow, n = a.n;
        if (t >= n) return;
        short[][] s = Q4_0Interleaved.scratch(Math.min(n - t, 2), nb);
        short[] xa = s[0], xc = s[1];
        int g0 = rowFrom / 8, g1 = (rowTo + 7) / 8;
        for (; t + 2 <= n; t += 2) {
            expandRows(a, t, 2, xa, xc);
            rows2(p.data, nb, g0, g1, xa, xc, a.d, t * nb, out, t * outStride, outStride, rowFrom, rowTo);
        }
        if (t < n) {
            expandRows(a, t, 1, xa, xc);
            rows1(p.data, nb, g0, g1, xa, xc, a.d, t * nb, out, t * outStride, rowFrom, rowTo);
        }
    }

    private static void rows1(MemorySegment w, int nb, int g0, int g1, short[] xa, short[] xc, float[] xd, int bo,
            float[] out, int outIndex, int rowFrom, int rowTo) {
        float[] h = new float[8];
        long groupBytes = (long) nb * Q4_0Repacked.GROUP_BLOCK;
        for (int g = g0; g < g1; g++) {
            MemorySegment gw = w.asSlice(g * groupBytes, groupBytes); // offsets within the group: smaller ones to check
            FloatVector sums = FloatVector.zero(F256); // lane r: output of row 8g + r
            // one induction variable, every offset affine in it: C2's loop is 142 instructions a group-block where a
            // second one (o += 144) gave 173, its offsets recomputed and spilled; the segment's eight bounds checks stay
            for (int b = 0; b < nb; b++) {
                long o = b * (long) Q4_0Repacked.GROUP_BLOCK;
                int x = b * EXPANDED;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 16, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 32, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 48, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q3 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 64, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q4 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 80, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q5 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 96, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q6 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 112, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q7 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 128, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector s0 = q0.mul(ShortVector.fromArray(S256, xa, x)).add(q0.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 16)));
                ShortVector s1 = q1.mul(ShortVector.fromArray(S256, xa, x + 32)).add(q1.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 48)));
                ShortVector s2 = q2.mul(ShortVector.fromArray(S256, xa, x + 64)).add(q2.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 80)));
                ShortVector s3 = q3.mul(ShortVector.fromArray(S256, xa, x + 96)).add(q3.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 112)));
                ShortVector s4 = q4.mul(ShortVector.fromArray(S256, xa, x + 128)).add(q4.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 144)));
                ShortVector s5 = q5.mul(ShortVector.fromArray(S256, xa, x + 160)).add(q5.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 176)));
                ShortVector s6 = q6.mul(ShortVector.fromArray(S256, xa, x + 192)).add(q6.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 208)));
                ShortVector s7 = q7.mul(ShortVector.fromArray(S256, xa, x + 224)).add(q7.lanewise(LSHR, 4).mul(ShortVector.fromArray(S256, xa, x + 240)));
                ShortVector acc = s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7)));
                IntVector d16 = (IntVector) ShortVector.fromMemorySegment(S128, gw, o, LE).convertShape(ZERO_EXTEND_S2I, I256, 0);
                FloatVector dw = d16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                        .reinterpretAsInts().or(d16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
                ShortVector tot = acc.add(acc.reinterpretAsInts().rearrange(SWAP_HALVES).reinterpretAsShorts()).add(xc[b]);
                sums = ((FloatVector) tot.convertShape(S2I, I256, 0).convertShape(I2F, F256, 0)).fma(dw.mul(xd[bo + b]), sums);
            }
            sums.intoArray(h, 0);
            Q4_0Interleaved.store(h, 0, g, out, outIndex, rowFrom, rowTo);
        }
    }

    private static void rows2(MemorySegment w, int nb, int g0, int g1, short[] xa, short[] xc, float[] xd, int bo,
            float[] out, int outIndex, int outStride, int rowFrom, int rowTo) {
        float[] h = new float[16];
        int xs = nb * EXPANDED;
        long groupBytes = (long) nb * Q4_0Repacked.GROUP_BLOCK;
        for (int g = g0; g < g1; g++) {
            MemorySegment gw = w.asSlice(g * groupBytes, groupBytes); // offsets within the group: smaller ones to check
            // lane r of sums u: output of row 8g + r for activation row t + u
            FloatVector sums0 = FloatVector.zero(F256), sums1 = sums0;
            for (int b = 0; b < nb; b++) {
                long o = b * (long) Q4_0Repacked.GROUP_BLOCK;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 16, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 32, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 48, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q3 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 64, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q4 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 80, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q5 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 96, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q6 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 112, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector q7 = (ShortVector) ByteVector.fromMemorySegment(B128, gw, o + 128, LE).convertShape(ZERO_EXTEND_B2S, S256, 0);
                ShortVector h0 = q0.lanewise(LSHR, 4), h1 = q1.lanewise(LSHR, 4), h2 = q2.lanewise(LSHR, 4), h3 = q3.lanewise(LSHR, 4);
                ShortVector h4 = q4.lanewise(LSHR, 4), h5 = q5.lanewise(LSHR, 4), h6 = q6.lanewise(LSHR, 4), h7 = q7.lanewise(LSHR, 4);
                IntVector d16 = (IntVector) ShortVector.fromMemorySegment(S128, gw, o, LE).convertShape(ZERO_EXTEND_S2I, I256, 0);
                FloatVector dw = d16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                        .reinterpretAsInts().or(d16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
                int x = b * EXPANDED;
                ShortVector s0 = q0.mul(ShortVector.fromArray(S256, xa, x)).add(h0.mul(ShortVector.fromArray(S256, xa, x + 16)));
                ShortVector s1 = q1.mul(ShortVector.fromArray(S256, xa, x + 32)).add(h1.mul(ShortVector.fromArray(S256, xa, x + 48)));
                ShortVector s2 = q2.mul(ShortVector.fromArray(S256, xa, x + 64)).add(h2.mul(ShortVector.fromArray(S256, xa, x + 80)));
                ShortVector s3 = q3.mul(ShortVector.fromArray(S256, xa, x + 96)).add(h3.mul(ShortVector.fromArray(S256, xa, x + 112)));
                ShortVector s4 = q4.mul(ShortVector.fromArray(S256, xa, x + 128)).add(h4.mul(ShortVector.fromArray(S256, xa, x + 144)));
                ShortVector s5 = q5.mul(ShortVector.fromArray(S256, xa, x + 160)).add(h5.mul(ShortVector.fromArray(S256, xa, x + 176)));
                ShortVector s6 = q6.mul(ShortVector.fromArray(S256, xa, x + 192)).add(h6.mul(ShortVector.fromArray(S256, xa, x + 208)));
                ShortVector s7 = q7.mul(ShortVector.fromArray(S256, xa, x + 224)).add(h7.mul(ShortVector.fromArray(S256, xa, x + 240)));
                ShortVector acc = s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7)));
                ShortVector tot = acc.add(acc.reinterpretAsInts().rearrange(SWAP_HALVES).reinterpretAsShorts()).add(xc[b]);
                sums0 = ((FloatVector) tot.convertShape(S2I, I256, 0).convertShape(I2F, F256, 0)).fma(dw.mul(xd[bo + b]), sums0);
                x += xs;
                s0 = q0.mul(ShortVector.fromArray(S256, xa, x)).add(h0.mul(ShortVector.fromArray(S256, xa, x + 16)));
                s1 = q1.mul(ShortVector.fromArray(S256, xa, x + 32)).add(h1.mul(ShortVector.fromArray(S256, xa, x + 48)));
                s2 = q2.mul(ShortVector.fromArray(S256, xa, x + 64)).add(h2.mul(ShortVector.fromArray(S256, xa, x + 80)));
                s3 = q3.mul(ShortVector.fromArray(S256, xa, x + 96)).add(h3.mul(ShortVector.fromArray(S256, xa, x + 112)));
                s4 = q4.mul(ShortVector.fromArray(S256, xa, x + 128)).add(h4.mul(ShortVector.fromArray(S256, xa, x + 144)));
                s5 = q5.mul(ShortVector.fromArray(S256, xa, x + 160)).add(h5.mul(ShortVector.fromArray(S256, xa, x + 176)));
                s6 = q6.mul(ShortVector.fromArray(S256, xa, x + 192)).add(h6.mul(ShortVector.fromArray(S256, xa, x + 208)));
                s7 = q7.mul(ShortVector.fromArray(S256, xa, x + 224)).add(h7.mul(ShortVector.fromArray(S256, xa, x + 240)));
                acc = s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7)));
                tot = acc.add(acc.reinterpretAsInts().rearrange(SWAP_HALVES).reinterpretAsShorts()).add(xc[nb + b]);
                sums1 = ((FloatVector) tot.convertShape(S2I, I256, 0).convertShape(I2F, F256, 0)).fma(dw.mul(xd[bo + nb + b]), sums1);
            }
            sums0.intoArray(h, 0);
            sums1.intoArray(h, 8);
            Q4_0Interleaved.store(h, 0, g, out, outIndex, rowFrom, rowTo);
            Q4_0Interleaved.store(h, 8, g, out, outIndex + outStride, rowFrom, rowTo);
        }
    }
}
