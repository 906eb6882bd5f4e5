package hearth.engine.quant;

import static hearth.engine.quant.Simd.LE;
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
 * Q4_0 mat-mul on the 8-row interleaved copy ({@link Q4_0Repacked}) with 512-bit vectors: ggml's q4_0_8x8 numerics
 * (per output one float sum, one fused multiply-add per block of the exact integer block total), 8 outputs at a time.
 *
 * <p>Chunk m of a group-block, widened to 32 short lanes, holds in lane i quant byte B = lo + 16 hi of row i % 8 for
 * elements e = 4m + i/8 (lo) and e + 16 (hi). With activations expanded to match (lane i: XL = x[e], Y = x[e + 16] -
 * 16 x[e]), B * XL + (B >> 4) * Y = lo * x[e] + hi * x[e + 16]. Summed over the 4 chunks and then over lanes i, i + 8,
 * i + 16, i + 24, lane r holds sum(q * x) of row r; minus 8 * sum(x) that is the block's sum((q - 8) * x), whose size
 * is at most 8 * 127 * 32 = 32512: all of it is done in wrapping 16-bit arithmetic, exact modulo 2^16 and so exact.
 * No horizontal reduction per output. Batches go two activation rows at a time: four (like the other kernels) would
 * decode each weight block once for more rows, but C2 then needs some 50 MiB more memory to compile the kernel, which
 * shows in peak resident memory. Scales: the 8 fp16 values are widened to float exactly with integer operations
 * (exponent rebias by multiplying with 2^112, which also scales fp16 subnormals exactly; no inf/NaN, see the repack).
 */
final class Q4_0Interleaved {
    private Q4_0Interleaved() {}

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128, S256 = ShortVector.SPECIES_256, S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    /** Shorts of expanded activations per block: XL and Y of the 4 chunks, 32 lanes each, interleaved per chunk. */
    static final int EXPANDED = 256;

    private static final VectorShuffle<Short>[] LO = expand(0), HI = expand(16);

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Short>[] expand(int first) {
        VectorShuffle<Short>[] s = new VectorShuffle[4];
        for (int m = 0; m < 4; m++) {
            int[] idx = new int[32];
            for (int i = 0; i < 32; i++) idx[i] = first + 4 * m + i / 8;
            s[m] = VectorShuffle.fromValues(S512, idx);
        }
        return s;
    }

    /** Per-thread scratch: expanded activations of up to 2 rows, and per block -8 * sum(x). */
    private static final ThreadLocal<short[][]> SCRATCH = ThreadLocal.withInitial(() -> new short[2][0]);

    /**
     * This thread's scratch for {@code rows} activation rows of nb blocks: [0] for the expanded activations (EXPANDED
     * shorts a block, in both kernels' layouts), [1] for -8 * sum(x) per block.
     */
    static short[][] scratch(int rows, int nb) {
        short[][] s = SCRATCH.get();
        if (s[0].length < rows * nb * EXPANDED) s[0] = new short[rows * nb * EXPANDED];
        if (s[1].length < rows * nb) s[1] = new short[rows * nb];
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
                ShortVector x = ShortVector.fromArray(S512, a.q, (t + u) * a.k + b * Q4_0Kernel.BLOCK);
                int o = (u * nb + b) * EXPANDED;
                for (int m = 0; m < 4; m++) {
                    ShortVector xl = x.rearrange(LO[m]);
                    xl.intoArray(xa, o + 64 * m);
                    x.rearrange(HI[m]).sub(xl.lanewise(LSHL, 4)).intoArray(xa, o + 64 * m + 32);
                }
                xc[u * nb + b] = (short) (-8 * x.reduceLanes(jdk.incubator.vector.VectorOperators.ADD));
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
        short[][] s = scratch(Math.min(n - t, 2), nb);
        short[] xa = s[0], xc = s[1];
        int g0 = rowFrom / 8, g1 = (rowTo + 7) / 8;
        for (; t + 2 <= n; t += 2) {
            expandRows(a, t, 2, xa, xc);
            rows2(p.data, nb, g0, g1, xa, xc, a.d, t * nb, out, t * outStride, outStride, rowFrom, rowTo);
        }
        for (; t < n; t++) {
            expandRows(a, t, 1, xa, xc);
            rows1(p.data, nb, g0, g1, xa, xc, a.d, t * nb, out, t * outStride, rowFrom, rowTo);
        }
    }

    /** Writes the 8 outputs of group g held in h[at .. at + 8) to out[outIndex + 8g + r], the rows within [rowFrom, rowTo). */
    static void store(float[] h, int at, int g, float[] out, int outIndex, int rowFrom, int rowTo) {
        int r0 = 8 * g;
        if (r0 >= rowFrom && r0 + 8 <= rowTo) {
            System.arraycopy(h, at, out, outIndex + r0, 8);
        } else {
            for (int r = Math.max(r0, rowFrom); r < Math.min(r0 + 8, rowTo); r++) out[outIndex + r] = h[at + r - r0];
        }
    }

    private static void rows1(MemorySegment w, int nb, int g0, int g1, short[] xa, short[] xc, float[] xd, int bo,
            float[] out, int outIndex, int rowFrom, int rowTo) {
        float[] h = new float[8];
        for (int g = g0; g < g1; g++) {
            long o = (long) g * nb * Q4_0Repacked.GROUP_BLOCK;
            FloatVector sums = FloatVector.zero(F256); // lane r: output of row 8g + r
            for (int b = 0; b < nb; b++, o += Q4_0Repacked.GROUP_BLOCK) {
                int x = b * EXPANDED;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 16, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 48, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 80, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 112, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector acc = q0.mul(ShortVector.fromArray(S512, xa, x)).add(q0.lanewise(LSHR, 4).mul(ShortVector.fromArray(S512, xa, x + 32)))
                        .add(q1.mul(ShortVector.fromArray(S512, xa, x + 64))).add(q1.lanewise(LSHR, 4).mul(ShortVector.fromArray(S512, xa, x + 96)))
                        .add(q2.mul(ShortVector.fromArray(S512, xa, x + 128))).add(q2.lanewise(LSHR, 4).mul(ShortVector.fromArray(S512, xa, x + 160)))
                        .add(q3.mul(ShortVector.fromArray(S512, xa, x + 192))).add(q3.lanewise(LSHR, 4).mul(ShortVector.fromArray(S512, xa, x + 224)));
                ShortVector half = ((ShortVector) acc.reinterpretShape(S256, 0)).add((ShortVector) acc.reinterpretShape(S256, 1));
                ShortVector tot = ((ShortVector) half.reinterpretShape(S128, 0)).add((ShortVector) half.reinterpretShape(S128, 1)).add(xc[b]);
                IntVector d16 = (IntVector) ShortVector.fromMemorySegment(S128, w, o, LE).convertShape(ZERO_EXTEND_S2I, I256, 0);
                FloatVector dw = d16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                        .reinterpretAsInts().or(d16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
                sums = ((FloatVector) tot.convertShape(S2I, I256, 0).convertShape(I2F, F256, 0)).fma(dw.mul(xd[bo + b]), sums);
            }
            sums.intoArray(h, 0);
            store(h, 0, g, out, outIndex, rowFrom, rowTo);
        }
    }

    private static void rows2(MemorySegment w, int nb, int g0, int g1, short[] xa, short[] xc, float[] xd, int bo,
            float[] out, int outIndex, int outStride, int rowFrom, int rowTo) {
        float[] h = new float[16];
        int xs = nb * EXPANDED;
        for (int g = g0; g < g1; g++) {
            long o = (long) g * nb * Q4_0Repacked.GROUP_BLOCK;
            // lane r of sums u: output of row 8g + r for activation row t + u
            FloatVector sums0 = FloatVector.zero(F256), sums1 = sums0;
            for (int b = 0; b < nb; b++, o += Q4_0Repacked.GROUP_BLOCK) {
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 16, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 48, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 80, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 112, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector h0 = q0.lanewise(LSHR, 4), h1 = q1.lanewise(LSHR, 4), h2 = q2.lanewise(LSHR, 4), h3 = q3.lanewise(LSHR, 4);
                IntVector d16 = (IntVector) ShortVector.fromMemorySegment(S128, w, o, LE).convertShape(ZERO_EXTEND_S2I, I256, 0);
                FloatVector dw = d16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                        .reinterpretAsInts().or(d16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
                int x = b * EXPANDED;
                ShortVector acc = q0.mul(ShortVector.fromArray(S512, xa, x)).add(h0.mul(ShortVector.fromArray(S512, xa, x + 32)))
                        .add(q1.mul(ShortVector.fromArray(S512, xa, x + 64))).add(h1.mul(ShortVector.fromArray(S512, xa, x + 96)))
                        .add(q2.mul(ShortVector.fromArray(S512, xa, x + 128))).add(h2.mul(ShortVector.fromArray(S512, xa, x + 160)))
                        .add(q3.mul(ShortVector.fromArray(S512, xa, x + 192))).add(h3.mul(ShortVector.fromArray(S512, xa, x + 224)));
                ShortVector half = ((ShortVector) acc.reinterpretShape(S256, 0)).add((ShortVector) acc.reinterpretShape(S256, 1));
                ShortVector tot = ((ShortVector) half.reinterpretShape(S128, 0)).add((ShortVector) half.reinterpretShape(S128, 1)).add(xc[b]);
                sums0 = ((FloatVector) tot.convertShape(S2I, I256, 0).convertShape(I2F, F256, 0)).fma(dw.mul(xd[bo + b]), sums0);
                x += xs;
                acc = q0.mul(ShortVector.fromArray(S512, xa, x)).add(h0.mul(ShortVector.fromArray(S512, xa, x + 32)))
                        .add(q1.mul(ShortVector.fromArray(S512, xa, x + 64))).add(h1.mul(ShortVector.fromArray(S512, xa, x + 96)))
                        .add(q2.mul(ShortVector.fromArray(S512, xa, x + 128))).add(h2.mul(ShortVector.fromArray(S512, xa, x + 160)))
                        .add(q3.mul(ShortVector.fromArray(S512, xa, x + 192))).add(h3.mul(ShortVector.fromArray(S512, xa, x + 224)));
                half = ((ShortVector) acc.reinterpretShape(S256, 0)).add((ShortVector) acc.reinterpretShape(S256, 1));
                tot = ((ShortVector) half.reinterpretShape(S128, 0)).add((ShortVector) half.reinterpretShape(S128, 1)).add(xc[nb + b]);
                sums1 = ((FloatVector) tot.convertShape(S2I, I256, 0).convertShape(I2F, F256, 0)).fma(dw.mul(xd[bo + nb + b]), sums1);
            }
            sums0.intoArray(h, 0);
            sums1.intoArray(h, 8);
            store(h, 0, g, out, outIndex, rowFrom, rowTo);
            store(h, 8, g, out, outIndex + outStride, rowFrom, rowTo);
        }
    }
}
