package hearth.engine.quant;

import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.U64;
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_S2I;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q5_0 mat-vec on the 8-row interleaved copy ({@link Q5_0Repacked}) with 512-bit vectors, with ggml's AVX2 numerics
 * (Q5_0Kernel's): per row 8 float lanes, lane j accumulating float(sum of elements 4j .. 4j + 3 of the block's integer
 * products) times d_w d_x with one fused multiply-add per block, summed at the end in hsum_float_8's order.
 *
 * <p>A chunk's 32 bytes widened to 32 short lanes give, lane L = 4r + j, element 4j + c (low nibble) and 16 + 4j + c
 * (high nibble) of row r; the fifth bits become two AVX-512 masks (16 subtracted where the bit is clear). Times the
 * activations expanded to match (lane L: x[4 (L % 4) + c], x[16 + 4 (L % 4) + c]), the 4 chunks' low products add up
 * to ggml's int lanes 0..3 of all 8 rows, the high ones to lanes 4..7: at most 4 x 16 x 127 in size, exact in 16 bits.
 * Where Q5_0Kernel's row kernel spends some 25 vector instructions on one row's block, this spends about 80 on 8.
 */
final class Q5_0Interleaved {
    private Q5_0Interleaved() {}

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128, S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;

    /** Shorts of expanded activations per block: 8 vectors of 32, the 4 chunks' low then their high ones. */
    static final int EXPANDED = 256;

    private static final ShortVector SIXTEEN = ShortVector.broadcast(S512, (short) 16);
    private static final VectorShuffle<Short>[] EXPAND = expand();
    /** Lane i of the 16-lane scale vector of rows 0..3 (4 lanes a row) and of rows 4..7. */
    private static final VectorShuffle<Float> SCALES_LO = VectorShuffle.fromOp(F512, i -> i / 4), SCALES_HI = VectorShuffle.fromOp(F512, i -> 4 + i / 4);

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Short>[] expand() {
        VectorShuffle<Short>[] s = new VectorShuffle[8];
        for (int v = 0; v < 8; v++) {
            int first = 16 * (v / 4) + v % 4;
            s[v] = VectorShuffle.fromOp(S512, lane -> first + 4 * (lane % 4));
        }
        return s;
    }

    private static final ThreadLocal<short[]> SCRATCH = ThreadLocal.withInitial(() -> new short[0]);

    /** out[t * outStride + r] = row r · activation row t, r in [rowFrom, rowTo) (rowTo <= p.rows). */
    static void rows1(Q5_0Repacked p, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int nb = p.blocksPerRow;
        short[] xa = SCRATCH.get();
        if (xa.length < nb * EXPANDED) SCRATCH.set(xa = new short[nb * EXPANDED]);
        for (int b = 0; b < nb; b++) {
            ShortVector x = ShortVector.fromArray(S512, a.q, t * a.k + b * Q5_0Kernel.BLOCK);
            for (int v = 0; v < 8; v++) x.rearrange(EXPAND[v]).intoArray(xa, b * EXPANDED + 32 * v);
        }
        rows1(p.data, nb, rowFrom / 8, (rowTo + 7) / 8, xa, a.d, t * nb, out, t * outStride, rowFrom, rowTo);
    }

    private static void rows1(MemorySegment w, int nb, int g0, int g1, short[] xa, float[] xd, int bo, float[] out,
            int outIndex, int rowFrom, int rowTo) {
        float[] h = new float[64];
        for (int g = g0; g < g1; g++) {
            long o = (long) g * nb * Q5_0Repacked.GROUP_BLOCK;
            // lane 4r + j of the accumulators: ggml's float lane j (lo4, lo8) or 4 + j (hi4, hi8) of row r (lo4, hi4) or
            // 4 + r (lo8, hi8)
            FloatVector lo4 = FloatVector.zero(F512), hi4 = lo4, lo8 = lo4, hi8 = lo4;
            for (int b = 0; b < nb; b++, o += Q5_0Repacked.GROUP_BLOCK) {
                int x = b * EXPANDED;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 48, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 80, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 112, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                ShortVector q3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 144, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
                long c0 = w.get(U64, o + 16), c1 = w.get(U64, o + 24), c2 = w.get(U64, o + 32), c3 = w.get(U64, o + 40);
                ShortVector lo = q0.and((short) 15).sub(SIXTEEN, VectorMask.fromLong(S512, c0)).mul(ShortVector.fromArray(S512, xa, x))
                        .add(q1.and((short) 15).sub(SIXTEEN, VectorMask.fromLong(S512, c1)).mul(ShortVector.fromArray(S512, xa, x + 32)))
                        .add(q2.and((short) 15).sub(SIXTEEN, VectorMask.fromLong(S512, c2)).mul(ShortVector.fromArray(S512, xa, x + 64)))
                        .add(q3.and((short) 15).sub(SIXTEEN, VectorMask.fromLong(S512, c3)).mul(ShortVector.fromArray(S512, xa, x + 96)));
                ShortVector hi = q0.lanewise(LSHR, 4).sub(SIXTEEN, VectorMask.fromLong(S512, c0 >>> 32)).mul(ShortVector.fromArray(S512, xa, x + 128))
                        .add(q1.lanewise(LSHR, 4).sub(SIXTEEN, VectorMask.fromLong(S512, c1 >>> 32)).mul(ShortVector.fromArray(S512, xa, x + 160)))
                        .add(q2.lanewise(LSHR, 4).sub(SIXTEEN, VectorMask.fromLong(S512, c2 >>> 32)).mul(ShortVector.fromArray(S512, xa, x + 192)))
                        .add(q3.lanewise(LSHR, 4).sub(SIXTEEN, VectorMask.fromLong(S512, c3 >>> 32)).mul(ShortVector.fromArray(S512, xa, x + 224)));
                IntVector d16 = (IntVector) ShortVector.fromMemorySegment(S128, w, o, LE).convertShape(ZERO_EXTEND_S2I, I256, 0);
                FloatVector d = (FloatVector) d16.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                        .reinterpretAsInts().or(d16.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats().mul(xd[bo + b])
                        .reinterpretShape(F512, 0);
                FloatVector d4 = d.rearrange(SCALES_LO), d8 = d.rearrange(SCALES_HI);
                lo4 = ((FloatVector) lo.convertShape(S2F, F512, 0)).fma(d4, lo4);
                lo8 = ((FloatVector) lo.convertShape(S2F, F512, 1)).fma(d8, lo8);
                hi4 = ((FloatVector) hi.convertShape(S2F, F512, 0)).fma(d4, hi4);
                hi8 = ((FloatVector) hi.convertShape(S2F, F512, 1)).fma(d8, hi8);
            }
            lo4.intoArray(h, 0);
            hi4.intoArray(h, 16);
            lo8.intoArray(h, 32);
            hi8.intoArray(h, 48);
            for (int r = Math.max(8 * g, rowFrom); r < Math.min(8 * g + 8, rowTo); r++) {
                int i = 32 * ((r % 8) / 4) + 4 * (r % 4); // lane j of row r: h[i + j], lane 4 + j: h[i + 16 + j]
                out[outIndex + r] = ((h[i] + h[i + 16]) + (h[i + 2] + h[i + 18])) + ((h[i + 1] + h[i + 17]) + (h[i + 3] + h[i + 19]));
            }
        }
    }
}
