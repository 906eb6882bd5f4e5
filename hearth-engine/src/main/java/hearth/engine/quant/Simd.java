package hearth.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector shapes and small helpers shared by the kernels. Kernels use 256-bit vectors (AVX2): 16 bytes of weights are
 * widened to 16 short lanes, multiplied by the activations (also 16-bit) and pairs of lanes are summed into 8 int
 * lanes. Products of int8 values fit 16 bits, and so do sums of two of them (|q| <= 128, |x| <= 127).
 *
 * <p>To give ggml's results bit for bit, the int lanes hold the same partial sums as ggml's AVX2 kernels (see
 * {@link #dot32}) and float lanes are added in ggml's order ({@link #hsum}, {@link #reduce4}).
 */
final class Simd {
    private Simd() {}

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    /** Int lanes 0..7 of a 512-bit vector twice: a 256-bit load widened to both halves. */
    static final VectorShuffle<Integer> TWICE = VectorShuffle.fromValues(I512, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    /** Lane l to lane l + 8 and back (16 int lanes): adding it to a vector gives each lane its twin's value in both. */
    static final VectorShuffle<Integer> SWAP_HALVES = VectorShuffle.fromOp(I512, l -> l ^ 8);
    static final VectorSpecies<Long> L256 = LongVector.SPECIES_256;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /**
     * Whether the vector kernels are used: they need 256-bit vectors in hardware (otherwise the Vector API falls back
     * to very slow Java code). {@code -Dhearth.simd=false} forces the scalar reference kernels.
     */
    static final boolean ENABLED = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256
            && !"false".equals(System.getProperty("hearth.simd"));

    /**
     * Whether kernels may use 512-bit vectors: the hardware has them (AVX-512) and {@code -Dhearth.simd512=false} does
     * not turn them off. Where they are missing the Vector API would split each 512-bit operation in two or worse.
     */
    static final boolean WIDE = ENABLED && FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            && !"false".equals(System.getProperty("hearth.simd512"));

    // Nibble bytes in ggml's lane order, for the row kernels of the 32-value blocks with 16 quant bytes (Q4_1, Q5_0,
    // Q5_1): the 16 bytes go to both 128-bit halves (BOTH_HALVES), int lanes 4..7 shift right by 4 (NIBBLE_SHIFT) and
    // a mask 0x0f0f0f0f leaves byte m of int lane j holding the nibble of element 4j+m. A fifth bit (qh bit 4j+m) joins
    // as bit 4 of that byte with QH_LANE, a mask 15 and a multiplication by SPREAD, which sends bits 0..3 to bits 4, 12,
    // 20, 28 (its other shifted copies miss those bits), then a mask 0x10101010. The shorts of such a vector are
    // element pairs (4j+2i, 4j+2i+1): masked with 0x00ff00ff they are the even elements, shifted right by 8 the odd
    // ones, against the activations in Activations.qeo's order.

    static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    /** Copies 4 int lanes (16 quant bytes) into both halves. */
    static final VectorShuffle<Integer> BOTH_HALVES = VectorShuffle.fromValues(I256, 0, 1, 2, 3, 0, 1, 2, 3);
    /** Nibble shift per int lane: lanes 0..3 hold elements 0..15 (low nibbles), 4..7 elements 16..31 (high). */
    static final IntVector NIBBLE_SHIFT = IntVector.fromArray(I256, new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    /** Per int lane j: right shift by 4j, which brings qh bits 4j..4j+3 to bits 0..3. */
    static final IntVector QH_LANE = IntVector.fromArray(I256, new int[] {0, 4, 8, 12, 16, 20, 24, 28}, 0);
    /** Times four bits 0..3: bit m lands on bit 8m + 4 (byte m's bit 4), the other copies elsewhere. */
    static final int SPREAD = 0x0204_0810;

    /** The 16 quant bytes at {@code off} as nibble bytes in ggml's lane order (byte m of int lane j: element 4j+m). */
    static IntVector nibbleBytes(MemorySegment s, long off) {
        return ((IntVector) IntVector.fromMemorySegment(I128, s, off, LE).reinterpretShape(I256, 0)).rearrange(BOTH_HALVES)
                .lanewise(VectorOperators.LSHR, NIBBLE_SHIFT).and(0x0f0f_0f0f);
    }

    /** qh's bits on bit 4 of the bytes of {@link #nibbleBytes}'s order (bit 4j+m to byte m of int lane j). */
    static IntVector fifthBits(int qh) {
        return IntVector.broadcast(I256, qh).lanewise(VectorOperators.LSHR, QH_LANE).and(15).mul(SPREAD).and(0x1010_1010);
    }

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
     * Integer dot of 32 widened weights (lo = elements 0..15, hi = 16..31) with activations stored in
     * {@link Activations#qg}'s grouped order at xi. Like ggml's AVX2 kernels (maddubs + madd), every int lane holds the
     * sum of four consecutive products: lanes 0..7 hold ggml's lanes 0, 4, 1, 5, 2, 6, 3, 7 (elements 0..3, 16..19,
     * 4..7, 20..23, ...). Integer sums are exact, so only this grouping decides the float rounding later; accumulate
     * the lanes like ggml and reduce with {@link #hsum}. Each short lane holds two products: |q*x| < 16384.
     */
    static IntVector dot32(ShortVector lo, ShortVector hi, short[] xg, int xi) {
        return pairSums(grouped1(lo, hi).mul(ShortVector.fromArray(S256, xg, xi))
                .add(grouped2(lo, hi).mul(ShortVector.fromArray(S256, xg, xi + 16))));
    }

    /**
     * Integer dot of 32 widened weights with activations in natural order ({@link Activations#q}), pairs of products
     * in arbitrary lanes: for callers that only need the total of the lanes, which is exact in any grouping.
     */
    static IntVector dotAnyOrder(ShortVector lo, ShortVector hi, short[] x, int xi) {
        return pairSums(lo.mul(ShortVector.fromArray(S256, x, xi)).add(hi.mul(ShortVector.fromArray(S256, x, xi + 16))));
    }

    /** Int lane i holds weight pair i of lo (i even) or of hi (i odd). */
    static ShortVector grouped1(ShortVector lo, ShortVector hi) {
        return lo.blend(hi, ODD_PAIRS);
    }

    /** Int lane i holds the other pair of the same group of four: pair i + 1 of lo (i even) or i - 1 of hi (i odd). */
    static ShortVector grouped2(ShortVector lo, ShortVector hi) {
        return hi.blend(lo, ODD_PAIRS).reinterpretAsInts().rearrange(SWAP_PAIRS).reinterpretAsShorts();
    }

    /** Short lanes 2..3, 6..7, 10..11, 14..15: the odd int lanes. */
    static final VectorMask<Short> ODD_PAIRS =
            VectorMask.fromLong(S256, 0b1100_1100_1100_1100L);

    /** Swaps neighbouring int lanes (0 <-> 1, 2 <-> 3, ...). */
    static final VectorShuffle<Integer> SWAP_PAIRS = VectorShuffle.fromValues(I256, 1, 0, 3, 2, 5, 4, 7, 6);

    /**
     * Where element e (0..31) of a 32-element chunk goes in {@link Activations#qg}: the first 16 shorts pair with
     * {@link #dot32}'s w1, the next 16 with w2.
     */
    static final int[] GROUPED_SLOT = new int[32];

    static {
        for (int i = 0; i < 8; i++) {
            // w1 int lane i: elements 2i, 2i+1 (i even) or 16+2i, 17+2i (i odd); w2: 2i+2, 2i+3 or 14+2i, 15+2i
            int e1 = (i & 1) == 0 ? 2 * i : 16 + 2 * i;
            int e2 = (i & 1) == 0 ? 2 * i + 2 : 14 + 2 * i;
            GROUPED_SLOT[e1] = 2 * i;
            GROUPED_SLOT[e1 + 1] = 2 * i + 1;
            GROUPED_SLOT[e2] = 16 + 2 * i;
            GROUPED_SLOT[e2 + 1] = 16 + 2 * i + 1;
        }
    }

    /**
     * ggml's {@code hsum_float_8} of an accumulator filled from {@link #dot32} lanes: ggml adds lane i to lane i + 4,
     * then pairs 0+2 and 1+3: ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). Our lane 2i holds ggml lane i and
     * lane 2i + 1 holds ggml lane i + 4.
     */
    static float hsum(FloatVector acc) {
        float g04 = acc.lane(0) + acc.lane(1), g15 = acc.lane(2) + acc.lane(3);
        float g26 = acc.lane(4) + acc.lane(5), g37 = acc.lane(6) + acc.lane(7);
        return (g04 + g26) + (g15 + g37);
    }

    /**
     * Per-lane factors for a {@link #dot32} result whose elements 0..15 and 16..31 have different scales (K-quants
     * with a scale per 16 values): even lanes hold groups of the first half, odd lanes groups of the second.
     */
    static IntVector halfScales(int first, int second) {
        return LongVector.broadcast(L256, ((long) second << 32) | (first & 0xffffffffL)).reinterpretAsInts();
    }

    /** ggml lane of each of our lanes (see {@link #dot32}). */
    static final int[] GGML_LANE = {0, 4, 1, 5, 2, 6, 3, 7};

    /**
     * ggml's {@code GGML_F32x8_REDUCE} of the four accumulators of {@code ggml_vec_dot_f32/f16}: (a0 + a2) + (a1 + a3)
     * lane-wise, then t_j = l_j + l_(j+4), then (t0 + t1) + (t2 + t3).
     */
    static float reduce4(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        FloatVector u = a0.add(a2).add(a1.add(a3));
        float t0 = u.lane(0) + u.lane(4), t1 = u.lane(1) + u.lane(5), t2 = u.lane(2) + u.lane(6), t3 = u.lane(3) + u.lane(7);
        return (t0 + t1) + (t2 + t3);
    }

    /**
     * {@link #hsumNatural} of 8 floats stored at h[o ..] (row micro-kernels store their accumulators with intoArray
     * instead of passing vectors to a helper, which C2 may not inline and then boxes).
     */
    static float hsum8(float[] h, int o) {
        return ((h[o] + h[o + 4]) + (h[o + 2] + h[o + 6])) + ((h[o + 1] + h[o + 5]) + (h[o + 3] + h[o + 7]));
    }

    /** {@link #hsum} of 8 floats stored at h[o ..] (an accumulator in {@link #dot32}'s lane order). */
    static float hsumGrouped8(float[] h, int o) {
        return ((h[o] + h[o + 1]) + (h[o + 4] + h[o + 5])) + ((h[o + 2] + h[o + 3]) + (h[o + 6] + h[o + 7]));
    }

    /** ggml's {@code hsum_float_8} of an accumulator in natural lane order (float kernels). */
    static float hsumNatural(FloatVector acc) {
        float g04 = acc.lane(0) + acc.lane(4), g15 = acc.lane(1) + acc.lane(5);
        float g26 = acc.lane(2) + acc.lane(6), g37 = acc.lane(3) + acc.lane(7);
        return (g04 + g26) + (g15 + g37);
    }

    private static final ShortVector LANE_BITS;

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
        return (FloatVector) v.convertShape(VectorOperators.I2F, F256, 0);
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
