package hearth.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector shapes and small helpers shared by the kernels. Kernels use 256-bit vectors (AVX2): 16 bytes of weights are
 * widened to 16 short lanes, multiplied by the activations (also 16-bit) and pairs of lanes are summed into 8 int
 * lanes. Products of int8 values fit 16 bits, and so do sums of two of them (|q| <= 128, |x| <= 127).
 */
final class Simd {
    private Simd() {}

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /**
     * Whether the vector kernels are used: they need 256-bit vectors in hardware (otherwise the Vector API falls back
     * to very slow Java code). {@code -Dhearth.simd=false} forces the scalar reference kernels.
     */
    static final boolean ENABLED = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256
            && !"false".equals(System.getProperty("hearth.simd"));

    /** 16 bytes at {@code off} sign-extended to 16 short lanes. */
    static ShortVector shorts(MemorySegment s, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(B128, s, off, LE).convertShape(VectorOperators.B2S, S256, 0);
    }

    /**
     * Bits 4..7 of each lane (the high nibble of a widened byte). Shifts the 32-bit lanes: C2 emits 16-bit lane
     * shifts with a register count, 32-bit ones with an immediate.
     */
    static ShortVector highNibbles(ShortVector s) {
        return s.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts().and((short) 15);
    }

    /** Sums lanes 2i and 2i+1 of a 16-lane short vector into int lane i (like x86 pmaddwd against ones). */
    static IntVector pairSums(ShortVector v) {
        IntVector i = v.reinterpretAsInts();
        return i.lanewise(VectorOperators.ASHR, 16).add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
    }

    /**
     * Integer dot of 32 widened weights (lo = elements 0..15, hi = 16..31) with the activations at xi, summed pairwise
     * into 8 int lanes. Each short lane holds two products, so |q*x| must stay below 16384.
     */
    static IntVector dot32(ShortVector lo, ShortVector hi, short[] x, int xi) {
        return pairSums(lo.mul(ShortVector.fromArray(S256, x, xi)).add(hi.mul(ShortVector.fromArray(S256, x, xi + 16))));
    }

    /** Integer dot of 16 widened weights with the activations at xi, summed pairwise into 8 int lanes. */
    static IntVector dot16(ShortVector q, short[] x, int xi) {
        return pairSums(q.mul(ShortVector.fromArray(S256, x, xi)));
    }

    private static final ShortVector LANE_BITS;

    /** 1 in lane 0, 0 elsewhere: LANE0.mul(c) adds an integer correction c to a lane sum exactly. */
    static final IntVector LANE0 = IntVector.zero(I256).withLane(0, 1);

    static {
        short[] bits = new short[16];
        for (int j = 0; j < 16; j++) bits[j] = (short) (1 << j);
        LANE_BITS = ShortVector.fromArray(S256, bits, 0);
    }

    /** -1 in lane j when bit j of {@code bits16} is set, else 0 (spreads a 16-bit mask over 16 lanes). */
    static ShortVector bitsSet(int bits16) {
        return (ShortVector) ShortVector.broadcast(S256, (short) bits16).and(LANE_BITS).compare(VectorOperators.NE, 0).toVector();
    }

    /** -1 in lane j when bit j of {@code bits16} is clear, else 0. */
    static ShortVector bitsClear(int bits16) {
        return (ShortVector) ShortVector.broadcast(S256, (short) bits16).and(LANE_BITS).compare(VectorOperators.EQ, 0).toVector();
    }

    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    static float fp16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(U16, off));
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static int s8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }
}
