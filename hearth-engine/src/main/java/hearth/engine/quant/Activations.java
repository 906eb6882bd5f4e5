package hearth.engine.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations (n rows of k floats) converted to an {@link ActivationFormat}, the way ggml's CPU backend converts
 * {@code src1} before a mat-mul. One instance is reused across calls; buffers only grow.
 *
 * <p>Layouts (row t starts at t*k in {@link #q}/{@link #f}; block b of row t is index t*(k/blockSize)+b):
 * <ul>
 *   <li>F32/F16/BF16: {@link #f} holds the (rounded) floats.</li>
 *   <li>Q8_0/Q8_1: {@link #q} holds the int8 values widened to short (so kernels can multiply them as 16-bit lanes
 *       straight from memory), {@link #d} the block scale (fp16 value as float); Q8_1 adds {@link #s} = fp16(d*sum).</li>
 *   <li>Q8_K: {@link #q}, {@link #d} (float scale per 256) and {@link #bsums}: sum of each 16 values.</li>
 * </ul>
 * The quantised formats also keep {@link #qg}: the same int8 values with every 32-element chunk reordered for
 * {@link Simd#dot32}, which sums products in ggml's groups of four.
 */
public final class Activations {
    ActivationFormat format;
    int n;
    int k;
    float[] f = new float[0];
    short[] q = new short[0];
    /** {@link #q} with each chunk of 32 permuted by {@link Simd#GROUPED_SLOT} (what the vector kernels read). */
    short[] qg = new short[0];
    /**
     * {@link #q} with every 32-element chunk split into its 16 even then its 16 odd elements: the order of the row
     * micro-kernels, which widen 32 weight bytes loaded as 16 short lanes into the even and the odd bytes.
     */
    short[] qeo = new short[0];
    /**
     * {@link #q} as floats, every 32-element chunk as four vectors of 8: lane j of vector m holds element 4j + m.
     * Integer products and their sums stay exact in float arithmetic (far below 2^24), so fused multiply-adds over
     * the four vectors give ggml's int lanes (elements 4j..4j+3) exactly, at one FMA per 8 products.
     */
    float[] qf = new float[0];
    /**
     * {@link #qf} for pairs of rows, for 512-bit kernels: rows 2p and 2p+1 share 16-lane vectors, group m of block b
     * at qf2[qf2At + p*2k + b*64 + m*16 ..] with row 2p's eight lanes first. {@link #d2} holds the block scales alike:
     * d2[d2At + p*nb*16 + b*16 ..] is row 2p's d eight times, then row 2p+1's. (An odd last row fills its half of a
     * pair.)
     */
    float[] qf2 = new float[0];
    float[] d2 = new float[0];
    /**
     * Where {@link #qf2} and {@link #d2} start: their first element on a cache line (see {@link CacheLines}), so the
     * 512-bit kernels' loads do not straddle lines. Set by {@link #prepare}; every index into them adds these.
     */
    int qf2At, d2At;
    /**
     * {@link #q} for {@link Q4_0Batch16}: rows in groups of sixteen, element-major, a row per short lane. Element i of
     * row 16g + u is at x16[(g * k + i) * 16 + lane], lane 2u for u < 8 and 2(u - 8) + 1 for the others (the even
     * lanes hold rows 0..7, the odd ones 8..15); {@link #d16} holds the block scales in row order: d16[(g * nb + b) *
     * 16 + u]. Lanes of rows past n are not written (a last group's padding: whatever they hold, the kernel does not
     * store their outputs).
     */
    short[] x16 = new short[0];
    float[] d16 = new float[0];
    /** Layout bits: which of the reordered copies {@link #group} fills (the kernel of the call says what it reads). */
    public static final int QG = 1, QEO = 2, QF = 4, QF2 = 8, X16 = 16, ALL_LAYOUTS = QG | QEO | QF | QF2 | X16;
    private int layouts = ALL_LAYOUTS;
    float[] d = new float[0];
    float[] s = new float[0];
    int[] bsums = new int[0];
    /** How ggml would compute the current mat-mul (see {@link Kernels#path}); kernels add their floats in its order. */
    GgmlPath path = GgmlPath.VEC_DOT;

    /** Whether the last {@link #prepare} asked for the reordered copy {@code layout} ({@link #QF2}, ...). */
    boolean has(int layout) {
        return (layouts & layout) != 0;
    }

    public ActivationFormat format() {
        return format;
    }

    public int rows() {
        return n;
    }

    public int rowLength() {
        return k;
    }

    /** Sets how ggml would compute the current mat-mul (after {@link #prepare}, which resets it to vec_dot). */
    public Activations path(GgmlPath p) {
        this.path = p;
        return this;
    }

    /** Sizes the buffers for n rows of k elements in {@code fmt}; call {@link #convertRows} afterwards. */
    public Activations prepare(ActivationFormat fmt, int n, int k) {
        return prepare(fmt, n, k, ALL_LAYOUTS);
    }

    /**
     * Like {@link #prepare(ActivationFormat, int, int)}, filling only the reordered copies in {@code layouts}
     * ({@link #QG}, {@link #QEO}, {@link #QF}; {@link #q} always): the kernel of the call names what it reads.
     */
    public Activations prepare(ActivationFormat fmt, int n, int k, int layouts) {
        this.layouts = layouts;
        if (k % fmt.blockSize() != 0) {
            throw new IllegalArgumentException("row length " + k + " is not a multiple of " + fmt + "'s block size " + fmt.blockSize());
        }
        this.format = fmt;
        this.path = GgmlPath.VEC_DOT;
        this.n = n;
        this.k = k;
        int len = n * k;
        if (fmt.isQuantized()) {
            if (q.length < len) {
                q = new short[len];
                qg = new short[len];
                qeo = new short[len];
                qf = new float[len];
            }
            int blocks = len / fmt.blockSize();
            if (d.length < blocks) d = new float[blocks];
            if ((layouts & QF2) != 0) {
                int pairs = (n + 1) / 2, pad = CacheLines.FLOATS;
                if (qf2.length < pairs * 2 * k + pad) qf2 = new float[pairs * 2 * k + pad];
                if (d2.length < pairs * (k / fmt.blockSize()) * 16 + pad) d2 = new float[pairs * (k / fmt.blockSize()) * 16 + pad];
                qf2At = CacheLines.firstAligned(qf2);
                d2At = CacheLines.firstAligned(d2);
            }
            if ((layouts & X16) != 0) {
                int groups = (n + 15) / 16;
                if (x16.length < groups * 16 * k) x16 = new short[groups * 16 * k];
                if (d16.length < groups * 16 * (k / fmt.blockSize())) d16 = new float[groups * 16 * (k / fmt.blockSize())];
            }
            if (fmt == ActivationFormat.Q8_1 && s.length < blocks) s = new float[blocks];
            if (fmt == ActivationFormat.Q8_K && bsums.length < len / 16) bsums = new int[len / 16];
        } else if (f.length < len) {
            f = new float[len];
        }
        return this;
    }

    /** Converts rows [from, to) of {@code x} (row-major, k floats a row). Rows are independent: callers may split. */
    public void convertRows(float[] x, int from, int to) {
        int start = from * k, end = to * k;
        switch (format) {
            case F32 -> System.arraycopy(x, start, f, start, end - start);
            case F16 -> { for (int i = start; i < end; i++) f[i] = Float.float16ToFloat(Float.floatToFloat16(x[i])); }
            case BF16 -> { for (int i = start; i < end; i++) f[i] = roundToBf16(x[i]); }
            case Q8_0, Q8_1 -> {
                float[] block = new float[32]; // per call: threads convert different rows of one instance at once
                for (int b = start / 32; b < end / 32; b++) quantizeQ8Block(x, b, format == ActivationFormat.Q8_1, block);
            }
            case Q8_K -> { for (int b = start / 256; b < end / 256; b++) quantizeQ8KBlock(x, b); }
        }
    }

    /** Convenience: prepare and convert all rows on the calling thread. */
    public static Activations of(ActivationFormat fmt, float[] x, int n, int k) {
        Activations a = new Activations().prepare(fmt, n, k);
        a.convertRows(x, 0, n);
        return a;
    }

    /** The value element i (of the flattened n×k array) stands for, in float: what ggml's dot products "see". */
    public float value(int i) {
        return switch (format) {
            case F32, F16, BF16 -> f[i];
            case Q8_0, Q8_1 -> q[i] * d[i / 32];
            case Q8_K -> q[i] * d[i / 256];
        };
    }

    /**
     * ggml's AVX2 {@code quantize_row_q8_0}/{@code _q8_1}: scale 127/amax, round half to even (vroundps), fp16 scale.
     * (The portable reference uses roundf and 1/d; the x86 build this project matches does not.)
     */
    private void quantizeQ8Block(float[] x, int b, boolean withSum, float[] block) {
        int o = b * 32;
        float amax = 0;
        int sum = 0;
        if (Simd.ENABLED) {
            FloatVector x0 = FloatVector.fromArray(F8, x, o), x1 = FloatVector.fromArray(F8, x, o + 8);
            FloatVector x2 = FloatVector.fromArray(F8, x, o + 16), x3 = FloatVector.fromArray(F8, x, o + 24);
            amax = x0.abs().max(x1.abs()).max(x2.abs().max(x3.abs())).reduceLanes(VectorOperators.MAX);
            float id = amax != 0 ? 127f / amax : 0f;
            sum = quantized(x0, id, o, block).add(quantized(x1, id, o + 8, block)).add(quantized(x2, id, o + 16, block))
                    .add(quantized(x3, id, o + 24, block)).reduceLanes(VectorOperators.ADD);
            groupVector(o, block);
        } else {
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[o + j]));
            float id = amax != 0 ? 127f / amax : 0f;
            for (int j = 0; j < 32; j++) {
                int v = (int) Math.rint(x[o + j] * id);
                q[o + j] = (short) v;
                sum += v;
            }
            group(o);
        }
        float dd = amax / 127f;
        d[b] = Float.float16ToFloat(Float.floatToFloat16(dd));
        if ((layouts & QF2) != 0) {
            int t = o / k, y = d2At + (t >> 1) * (k / 2) + (o - t * k) / 2 + (t & 1) * 8; // pair, block (32 elements -> 16 lanes), half
            java.util.Arrays.fill(d2, y, y + 8, d[b]);
        }
        if ((layouts & X16) != 0) sixteen(o, b);
        if (withSum) s[b] = Float.float16ToFloat(Float.floatToFloat16(dd * (float) sum));
    }

    /** Copies the block just quantized (32 values at q[o ..], scale d[b]) into {@link #x16} and {@link #d16}. */
    private void sixteen(int o, int b) {
        int t = o / k, u = t & 15, g = t >> 4, nb = k / 32;
        int lane = u < 8 ? 2 * u : 2 * (u - 8) + 1, y = (g * k + o - t * k) * 16 + lane;
        for (int j = 0; j < 32; j++) x16[y + 16 * j] = q[o + j];
        d16[(g * nb + b - t * nb) * 16 + u] = d[b];
    }

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** 1.5 * 2^23: v + ROUND - ROUND is v rounded to the nearest integer, ties to even (vroundps), for |v| < 2^22. */
    private static final float ROUND = 12582912f;
    /** Gather indices into a block's 32 values: lane j of group m is element 4j + m (the order of {@link #qf}). */
    private static final int[] GROUPS_OF_FOUR = new int[32];
    /** Permutation: the 16 even elements, then the 16 odd ones (the order of {@link #qeo}). */
    private static final int[] EVEN_ODD = new int[32];

    static {
        for (int m = 0; m < 4; m++) for (int j = 0; j < 8; j++) GROUPS_OF_FOUR[8 * m + j] = 4 * j + m;
        for (int i = 0; i < 16; i++) {
            EVEN_ODD[i] = 2 * i;
            EVEN_ODD[16 + i] = 2 * i + 1;
        }
    }

    /** {@link #EVEN_ODD} and {@link Simd#GROUPED_SLOT} as 32-lane short permutations (used with 512-bit vectors only). */
    private static final VectorShuffle<Short> EVEN_ODD_SHUFFLE = VectorShuffle.fromArray(ShortVector.SPECIES_512, EVEN_ODD, 0);
    /** Lane s of {@link #qg}'s block takes element e where GROUPED_SLOT[e] = s. */
    private static final VectorShuffle<Short> GROUPED_SHUFFLE;

    static {
        int[] from = new int[32];
        for (int e = 0; e < 32; e++) from[Simd.GROUPED_SLOT[e]] = e;
        GROUPED_SHUFFLE = VectorShuffle.fromArray(ShortVector.SPECIES_512, from, 0);
    }

    /**
     * The eight quants of x * id (what the scalar loop computes with Math.rint) to q[o ..], and as floats to the
     * block's 32 in {@code block} (for the gathers of {@link #groupVector}); returns them as ints.
     */
    private IntVector quantized(FloatVector x, float id, int o, float[] block) {
        IntVector v = (IntVector) x.mul(id).add(ROUND).sub(ROUND).convertShape(VectorOperators.F2I, IntVector.SPECIES_256, 0);
        v.convertShape(VectorOperators.I2S, ShortVector.SPECIES_128, 0).reinterpretAsShorts().intoArray(q, o);
        v.convertShape(VectorOperators.I2F, FloatVector.SPECIES_256, 0).reinterpretAsFloats().intoArray(block, o & 31);
        return v;
    }

    /**
     * {@link #group} from the block just quantized by the vector path: gathers (floats) and one 32-lane permutation
     * (shorts, where the CPU has 512-bit vectors) instead of element-wise copies.
     */
    private void groupVector(int o, float[] block) {
        if (Simd.WIDE && (layouts & (QG | QEO)) != 0) {
            ShortVector all = ShortVector.fromArray(ShortVector.SPECIES_512, q, o);
            if ((layouts & QG) != 0) all.rearrange(GROUPED_SHUFFLE).intoArray(qg, o);
            if ((layouts & QEO) != 0) all.rearrange(EVEN_ODD_SHUFFLE).intoArray(qeo, o);
        } else {
            groupShorts(o);
        }
        if ((layouts & (QF | QF2)) != 0) {
            int y = (layouts & QF2) != 0 ? pairSlot(o) : 0;
            for (int m = 0; m < 4; m++) {
                FloatVector group = FloatVector.fromArray(F8, block, 0, GROUPS_OF_FOUR, 8 * m);
                if ((layouts & QF) != 0) group.intoArray(qf, o + 8 * m);
                if ((layouts & QF2) != 0) group.intoArray(qf2, y + 16 * m);
            }
        }
    }

    /** ggml's {@code quantize_row_q8_K_ref} (also what the x86 build runs): the signed extreme maps to -127. */
    private void quantizeQ8KBlock(float[] x, int b) {
        int o = b * 256;
        float max = 0, amax = 0;
        for (int j = 0; j < 256; j++) {
            float ax = Math.abs(x[o + j]);
            if (ax > amax) {
                amax = ax;
                max = x[o + j];
            }
        }
        float iscale = amax == 0 ? 0 : -127f / max;
        for (int j = 0; j < 256; j++) {
            // nearest_int: round half to even, as adding 1.5*2^23 does
            q[o + j] = (short) Math.min(127, (int) Math.rint(iscale * x[o + j]));
        }
        for (int c = 0; c < 256; c += 32) group(o + c);
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int j = 0; j < 16; j++) sum += q[o + g * 16 + j];
            bsums[o / 16 + g] = sum;
        }
        d[b] = amax == 0 ? 0 : 1 / iscale;
        if ((layouts & QF2) != 0) {
            int t = o / k, y = d2At + (t >> 1) * (k / 16) + (o - t * k) / 16 + (t & 1) * 8; // pair, super-block (256 -> 16 lanes), half
            java.util.Arrays.fill(d2, y, y + 8, d[b]);
        }
    }

    /** Copies the 32 values q[o ..] into the reordered copies the layouts ask for (qg: {@link Simd#dot32}'s order). */
    private void group(int o) {
        groupShorts(o);
        if ((layouts & QF) != 0) {
            for (int j = 0; j < 8; j++) {
                for (int m = 0; m < 4; m++) qf[o + 8 * m + j] = q[o + 4 * j + m];
            }
        }
        if ((layouts & QF2) != 0) {
            int y = pairSlot(o);
            for (int j = 0; j < 8; j++) {
                for (int m = 0; m < 4; m++) qf2[y + 16 * m + j] = q[o + 4 * j + m];
            }
        }
    }

    /** The short copies of {@link #group}: qg and qeo, element by element. */
    private void groupShorts(int o) {
        if ((layouts & QG) != 0) for (int e = 0; e < 32; e++) qg[o + Simd.GROUPED_SLOT[e]] = q[o + e];
        if ((layouts & QEO) != 0) {
            for (int i = 0; i < 16; i++) {
                qeo[o + i] = q[o + 2 * i];
                qeo[o + 16 + i] = q[o + 2 * i + 1];
            }
        }
    }

    /** Where the 32-element chunk at flat index o (row t, block b) starts in {@link #qf2}: its row's lanes of group 0. */
    private int pairSlot(int o) {
        int t = o / k, b = (o - t * k) / 32;
        return qf2At + (t >> 1) * 2 * k + b * 64 + (t & 1) * 8;
    }

    /** fp32 -> bf16 -> fp32 with round-to-nearest-even; NaNs stay (quiet) NaNs, like ggml_compute_fp32_to_bf16. */
    static float roundToBf16(float v) {
        int u = Float.floatToRawIntBits(v);
        int h;
        if ((u & 0x7fffffff) > 0x7f800000) h = (u >>> 16) | 64;
        else h = (u + (0x7fff + ((u >>> 16) & 1))) >>> 16;
        return Float.intBitsToFloat(h << 16);
    }
}
