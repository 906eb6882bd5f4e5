package hearth.engine.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float operations rounded the way llama.cpp's CPU backend (ggml, x86 AVX2 build) rounds them, so that our logits
 * match its reference output bit for bit instead of only approximately. A tiny model amplifies a single different
 * rounding: when an activation lands on the other side of a quantisation step, a logprob can move by 0.1.
 *
 * <p>Everything here is scalar code reproducing the order of ggml's vector operations: an "8-lane accumulator" is
 * modelled by the lane an element falls into (its index mod 8), and the horizontal sums add lanes in ggml's order.
 */
public final class GgmlMath {
    private GgmlMath() {}

    /** Exactly 8 float lanes, like ggml's __m256 accumulators (only used where the hardware has them). */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final boolean VECTOR8 = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    /** Element-wise work (no cross-lane sums) may use any width. */
    private static final VectorSpecies<Float> FP = FloatVector.SPECIES_PREFERRED;

    /**
     * ggml's {@code ggml_v_expf}: exp(x) from a degree-5 polynomial on the reduced argument, max error about 2 ulp.
     * It is what ggml's softmax and SiLU use for all elements of a row that fill a whole 8-lane vector.
     */
    public static float expf(float x) {
        final float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        int e = Float.floatToRawIntBits(z) << 23;
        float k = Float.intBitsToFloat(e + Float.floatToRawIntBits(1f));
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                u, 0x1.ffffecp-1f * b);
        if (!(Math.abs(n) > 126)) return Math.fma(j, k, k);
        // |x| beyond ~87: scale in two steps so that the result over/underflows correctly (0 for x = -inf)
        int g = n <= 0 ? 0x82000000 : 0;
        float s1 = Float.intBitsToFloat(g + 0x7f000000);
        if (Math.abs(n) > 192) return s1 * s1;
        float s2 = Float.intBitsToFloat(e - g);
        return Math.fma(s2, j, s2) * s1;
    }

    /** ggml's {@code hsum_float_8}: ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)) of 8 lanes at a[off ..]. */
    public static float hsum8(float[] a, int off) {
        return ((a[off] + a[off + 4]) + (a[off + 2] + a[off + 6])) + ((a[off + 1] + a[off + 5]) + (a[off + 3] + a[off + 7]));
    }

    /**
     * ggml's {@code GGML_F32x8_REDUCE} of four 8-lane accumulators stored back to back at a[off .. off+32):
     * (acc0 + acc2) + (acc1 + acc3) lane-wise, then t_j = l_j + l_(j+4), then (t0 + t1) + (t2 + t3).
     */
    public static float reduce32(float[] a, int off) {
        float t0 = lane(a, off, 0) + lane(a, off, 4), t1 = lane(a, off, 1) + lane(a, off, 5);
        float t2 = lane(a, off, 2) + lane(a, off, 6), t3 = lane(a, off, 3) + lane(a, off, 7);
        return (t0 + t1) + (t2 + t3);
    }

    /** Lane j of (acc0 + acc2) + (acc1 + acc3). */
    private static float lane(float[] a, int off, int j) {
        return (a[off + j] + a[off + 16 + j]) + (a[off + 8 + j] + a[off + 24 + j]);
    }

    /**
     * Dot product of n values as llamafile's tinyBLAS computes it for batched F32/F16 mat-muls (n % 8 == 0): one
     * 8-lane accumulator of fused multiply-adds, then {@link #hsum8}.
     */
    public static float dotSgemm(float[] a, int aOff, float[] b, int bOff, int n) {
        if (VECTOR8) {
            FloatVector acc = FloatVector.zero(F8);
            for (int i = 0; i < n; i += 8) acc = FloatVector.fromArray(F8, a, aOff + i).fma(FloatVector.fromArray(F8, b, bOff + i), acc);
            return ((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6))) + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7)));
        }
        float l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
        for (int i = 0; i < n; i += 8) {
            int x = aOff + i, y = bOff + i;
            l0 = Math.fma(a[x], b[y], l0);
            l1 = Math.fma(a[x + 1], b[y + 1], l1);
            l2 = Math.fma(a[x + 2], b[y + 2], l2);
            l3 = Math.fma(a[x + 3], b[y + 3], l3);
            l4 = Math.fma(a[x + 4], b[y + 4], l4);
            l5 = Math.fma(a[x + 5], b[y + 5], l5);
            l6 = Math.fma(a[x + 6], b[y + 6], l6);
            l7 = Math.fma(a[x + 7], b[y + 7], l7);
        }
        return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
    }

    /**
     * {@link #dotSgemm} of q[qOff .. qOff+n) with each of {@code rows} rows of k (row p at k[p * n ..]), times
     * {@code scale}, to out[outOff + p]: the same bits. Eight rows at a time, their accumulators' {@link #hsum8}s are
     * taken together by two-vector shuffles and lane-wise adds in hsum8's order (l_j + l_(j+4), then the even and the
     * odd pairs, then the two), instead of eight horizontal sums one lane at a time.
     */
    public static void dotsSgemm(float[] k, int n, float[] q, int qOff, int rows, float scale, float[] out, int outOff) {
        int p = 0;
        if (VECTOR8) {
            for (; p + 8 <= rows; p += 8) {
                FloatVector a0 = FloatVector.zero(F8), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int i = 0, o = p * n; i < n; i += 8, o += 8) {
                    FloatVector x = FloatVector.fromArray(F8, q, qOff + i);
                    a0 = FloatVector.fromArray(F8, k, o).fma(x, a0);
                    a1 = FloatVector.fromArray(F8, k, o + n).fma(x, a1);
                    a2 = FloatVector.fromArray(F8, k, o + 2 * n).fma(x, a2);
                    a3 = FloatVector.fromArray(F8, k, o + 3 * n).fma(x, a3);
                    a4 = FloatVector.fromArray(F8, k, o + 4 * n).fma(x, a4);
                    a5 = FloatVector.fromArray(F8, k, o + 5 * n).fma(x, a5);
                    a6 = FloatVector.fromArray(F8, k, o + 6 * n).fma(x, a6);
                    a7 = FloatVector.fromArray(F8, k, o + 7 * n).fma(x, a7);
                }
                // [t(a), t(b)] with t_j = l_j + l_(j+4), for the pairs (0,1) (2,3) (4,5) (6,7)
                FloatVector c01 = HALVES_LO.selectFrom(a0, a1).add(HALVES_HI.selectFrom(a0, a1));
                FloatVector c23 = HALVES_LO.selectFrom(a2, a3).add(HALVES_HI.selectFrom(a2, a3));
                FloatVector c45 = HALVES_LO.selectFrom(a4, a5).add(HALVES_HI.selectFrom(a4, a5));
                FloatVector c67 = HALVES_LO.selectFrom(a6, a7).add(HALVES_HI.selectFrom(a6, a7));
                // t0 + t2 and t1 + t3 of rows 0, 2 | 1, 3 (then 4, 6 | 5, 7)
                FloatVector d0 = EVEN_T.selectFrom(c01, c23).add(ODD_T.selectFrom(c01, c23));
                FloatVector d1 = EVEN_T.selectFrom(c45, c67).add(ODD_T.selectFrom(c45, c67));
                // (t0 + t2) + (t1 + t3): rows 0, 2, 4, 6 | 1, 3, 5, 7, put back in order
                FloatVector e = FIRST_U.selectFrom(d0, d1).add(SECOND_U.selectFrom(d0, d1));
                ROW_ORDER.selectFrom(e, e).mul(scale).intoArray(out, outOff + p);
            }
        }
        for (; p < rows; p++) out[outOff + p] = dotSgemm(k, p * n, q, qOff, n) * scale;
    }

    /** Shuffles of {@link #dotsSgemm}: lane values are indices into two vectors (8 and up: the second). */
    private static final FloatVector HALVES_LO = lanes(0, 1, 2, 3, 8, 9, 10, 11), HALVES_HI = lanes(4, 5, 6, 7, 12, 13, 14, 15),
            EVEN_T = lanes(0, 1, 8, 9, 4, 5, 12, 13), ODD_T = lanes(2, 3, 10, 11, 6, 7, 14, 15),
            FIRST_U = lanes(0, 2, 8, 10, 4, 6, 12, 14), SECOND_U = lanes(1, 3, 9, 11, 5, 7, 13, 15),
            ROW_ORDER = lanes(0, 4, 1, 5, 2, 6, 3, 7);

    private static FloatVector lanes(float... v) {
        return VECTOR8 ? FloatVector.fromArray(F8, v, 0) : null;
    }

    /** The four 8-lane accumulators of ggml's vec_dot over whole chunks of 32, reduced ({@link #reduce32}). */
    private static float chunks32(float[] a, int aOff, float[] b, int bOff, int np, float[] acc) {
        if (VECTOR8) {
            FloatVector s0 = FloatVector.zero(F8), s1 = s0, s2 = s0, s3 = s0;
            for (int i = 0; i < np; i += 32) {
                int x = aOff + i, y = bOff + i;
                s0 = FloatVector.fromArray(F8, a, x).fma(FloatVector.fromArray(F8, b, y), s0);
                s1 = FloatVector.fromArray(F8, a, x + 8).fma(FloatVector.fromArray(F8, b, y + 8), s1);
                s2 = FloatVector.fromArray(F8, a, x + 16).fma(FloatVector.fromArray(F8, b, y + 16), s2);
                s3 = FloatVector.fromArray(F8, a, x + 24).fma(FloatVector.fromArray(F8, b, y + 24), s3);
            }
            FloatVector u = s0.add(s2).add(s1.add(s3));
            float t0 = u.lane(0) + u.lane(4), t1 = u.lane(1) + u.lane(5), t2 = u.lane(2) + u.lane(6), t3 = u.lane(3) + u.lane(7);
            return (t0 + t1) + (t2 + t3);
        }
        java.util.Arrays.fill(acc, 0, 32, 0f);
        for (int i = 0; i < np; i += 32) {
            for (int l = 0; l < 32; l++) acc[l] = Math.fma(a[aOff + i + l], b[bOff + i + l], acc[l]);
        }
        return reduce32(acc, 0);
    }

    /**
     * ggml's {@code ggml_vec_dot_f16} (inputs already F16 values): {@link #chunks32}, then the remaining products
     * (exact in float) summed in double. {@code acc} is scratch of at least 32 floats.
     */
    public static float dotF16(float[] a, int aOff, float[] b, int bOff, int n, float[] acc) {
        int np = n & ~31;
        double sum = np > 0 ? chunks32(a, aOff, b, bOff, np, acc) : 0.0;
        for (int i = np; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return (float) sum;
    }

    /**
     * ggml's {@code ggml_vec_dot_f32} as gcc compiles it: {@link #chunks32} in float; gcc vectorises the leftover
     * loop, so whole groups of 8 and then of 4 leftovers add rounded products in order, and the last n % 4 use fused
     * multiply-adds. {@code acc} is scratch of at least 32 floats.
     */
    public static float dotF32(float[] a, int aOff, float[] b, int bOff, int n, float[] acc) {
        int np = n & ~31;
        float sum = np > 0 ? chunks32(a, aOff, b, bOff, np, acc) : 0f;
        int i = np;
        for (int rounded = n & ~3; i < rounded; i++) sum += a[aOff + i] * b[bOff + i];
        for (; i < n; i++) sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        return sum;
    }

    /** acc[row .. row+n) += v[vOff .. vOff+n) * w with fused multiply-adds (element-wise, so exact at any vector width). */
    public static void fmaRow(float[] v, int vOff, float w, float[] acc, int row, int n) {
        int d = 0;
        FloatVector vw = FloatVector.broadcast(FP, w);
        for (int bound = FP.loopBound(n); d < bound; d += FP.length()) {
            FloatVector.fromArray(FP, v, vOff + d).fma(vw, FloatVector.fromArray(FP, acc, row + d)).intoArray(acc, row + d);
        }
        for (; d < n; d++) acc[row + d] = Math.fma(v[vOff + d], w, acc[row + d]);
    }

    /**
     * The softmax-weighted sum of value rows as llamafile's tinyBLAS sums it for a batch: out[outOff + d] = sum over
     * p < positions of v[p * n + d] * w[wOff + p], for d < n, where position p goes to lane p % 8 of an 8-lane
     * accumulator (fused multiply-adds in order) and the lanes are added as {@link #hsum8} adds them. A vector holds
     * one lane for consecutive columns, so eight vectors are the eight lanes of as many columns, kept in registers;
     * columns past the last whole vector take the same steps one at a time.
     */
    public static void weightedSumSgemm(float[] v, int n, float[] w, int wOff, int positions, float[] out, int outOff) {
        int whole = positions & ~7;
        int d = 0;
        for (int bound = FP.loopBound(n); d < bound; d += FP.length()) {
            FloatVector a0 = FloatVector.zero(FP), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int p = 0;
            for (; p < whole; p += 8) {
                int b = p * n + d, wi = wOff + p;
                a0 = FloatVector.fromArray(FP, v, b).fma(FloatVector.broadcast(FP, w[wi]), a0);
                a1 = FloatVector.fromArray(FP, v, b + n).fma(FloatVector.broadcast(FP, w[wi + 1]), a1);
                a2 = FloatVector.fromArray(FP, v, b + 2 * n).fma(FloatVector.broadcast(FP, w[wi + 2]), a2);
                a3 = FloatVector.fromArray(FP, v, b + 3 * n).fma(FloatVector.broadcast(FP, w[wi + 3]), a3);
                a4 = FloatVector.fromArray(FP, v, b + 4 * n).fma(FloatVector.broadcast(FP, w[wi + 4]), a4);
                a5 = FloatVector.fromArray(FP, v, b + 5 * n).fma(FloatVector.broadcast(FP, w[wi + 5]), a5);
                a6 = FloatVector.fromArray(FP, v, b + 6 * n).fma(FloatVector.broadcast(FP, w[wi + 6]), a6);
                a7 = FloatVector.fromArray(FP, v, b + 7 * n).fma(FloatVector.broadcast(FP, w[wi + 7]), a7);
            }
            // the last positions % 8 positions, each in its own lane
            int rest = positions - p, b = p * n + d, wi = wOff + p;
            if (rest > 0) a0 = FloatVector.fromArray(FP, v, b).fma(FloatVector.broadcast(FP, w[wi]), a0);
            if (rest > 1) a1 = FloatVector.fromArray(FP, v, b + n).fma(FloatVector.broadcast(FP, w[wi + 1]), a1);
            if (rest > 2) a2 = FloatVector.fromArray(FP, v, b + 2 * n).fma(FloatVector.broadcast(FP, w[wi + 2]), a2);
            if (rest > 3) a3 = FloatVector.fromArray(FP, v, b + 3 * n).fma(FloatVector.broadcast(FP, w[wi + 3]), a3);
            if (rest > 4) a4 = FloatVector.fromArray(FP, v, b + 4 * n).fma(FloatVector.broadcast(FP, w[wi + 4]), a4);
            if (rest > 5) a5 = FloatVector.fromArray(FP, v, b + 5 * n).fma(FloatVector.broadcast(FP, w[wi + 5]), a5);
            if (rest > 6) a6 = FloatVector.fromArray(FP, v, b + 6 * n).fma(FloatVector.broadcast(FP, w[wi + 6]), a6);
            a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))).intoArray(out, outOff + d);
        }
        float[] lanes = d < n ? new float[8] : null;
        for (; d < n; d++) {
            java.util.Arrays.fill(lanes, 0f);
            for (int p = 0; p < positions; p++) lanes[p & 7] = Math.fma(v[p * n + d], w[wOff + p], lanes[p & 7]);
            out[outOff + d] = hsum8(lanes, 0);
        }
    }

    /**
     * For every column d < n of 32 accumulator rows acc[a + j*n + d] (lane j of vec_dot's four 8-lane accumulators per
     * column): out[outOff + d] = {@link #reduce32} of the column.
     */
    public static void reduce32Columns(float[] acc, int a, int n, float[] out, int outOff) {
        for (int d = 0; d < n; d++) {
            float t0 = column(acc, a, n, d, 0) + column(acc, a, n, d, 4), t1 = column(acc, a, n, d, 1) + column(acc, a, n, d, 5);
            float t2 = column(acc, a, n, d, 2) + column(acc, a, n, d, 6), t3 = column(acc, a, n, d, 3) + column(acc, a, n, d, 7);
            out[outOff + d] = (t0 + t1) + (t2 + t3);
        }
    }

    /** Lane j of (acc0 + acc2) + (acc1 + acc3) for column d. */
    private static float column(float[] acc, int a, int n, int d, int j) {
        return (acc[a + j * n + d] + acc[a + (16 + j) * n + d]) + (acc[a + (8 + j) * n + d] + acc[a + (24 + j) * n + d]);
    }

    /**
     * ggml's {@code ggml_soft_max_f32} of x[off .. off+n) in place (the scale is already applied; masked positions are
     * not passed): exponentials by {@link #expf} in 8-lane chunks from the row start, each chunk's {@link #hsum8}
     * added to a double sum, then every value times (float) (1 / sum). Positions past n are ggml's masked ones, whose
     * exponentials are 0 (ggml's rows are padded to a multiple of 32, so there is no scalar tail).
     */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (VECTOR8) { // Math.max in any order gives the same maximum (NaN and signed zeros included)
            FloatVector m = FloatVector.broadcast(FP, Float.NEGATIVE_INFINITY);
            for (int bound = FP.loopBound(n); i < bound; i += FP.length()) m = m.max(FloatVector.fromArray(FP, x, off + i));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        int c = 0;
        if (VECTOR8) {
            FloatVector vmax = FloatVector.broadcast(F8, max);
            for (; c + 8 <= n; c += 8) {
                int o = off + c;
                FloatVector e = expf8(FloatVector.fromArray(F8, x, o).sub(vmax));
                if (e != null) e.intoArray(x, o);
                else for (int j = 0; j < 8; j++) x[o + j] = expf(x[o + j] - max);
                sum += hsum8(x, o);
            }
        }
        for (; c < n; c += 8) {
            float l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
            int m = Math.min(8, n - c), o = off + c;
            // unrolled by hand: lanes past n stay 0
            if (m > 0) l0 = x[o] = expf(x[o] - max);
            if (m > 1) l1 = x[o + 1] = expf(x[o + 1] - max);
            if (m > 2) l2 = x[o + 2] = expf(x[o + 2] - max);
            if (m > 3) l3 = x[o + 3] = expf(x[o + 3] - max);
            if (m > 4) l4 = x[o + 4] = expf(x[o + 4] - max);
            if (m > 5) l5 = x[o + 5] = expf(x[o + 5] - max);
            if (m > 6) l6 = x[o + 6] = expf(x[o + 6] - max);
            if (m > 7) l7 = x[o + 7] = expf(x[o + 7] - max);
            sum += ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
        }
        float scale = (float) (1.0 / sum);
        int d = 0;
        for (int bound = FP.loopBound(n); d < bound; d += FP.length()) {
            FloatVector.fromArray(FP, x, off + d).mul(scale).intoArray(x, off + d);
        }
        for (; d < n; d++) x[off + d] *= scale;
    }

    /**
     * {@link #expf} of eight lanes at once, the same operations lane by lane (so the same bits). Null when a lane is
     * beyond the range of the plain formula (|n| > 126, or NaN): the caller then takes those eight one by one.
     */
    private static FloatVector expf8(FloatVector x) {
        FloatVector z = x.fma(0x1.715476p+0f, 0x1.8p23f);
        FloatVector n = z.sub(0x1.8p23f);
        if (!n.abs().compare(VectorOperators.LE, 126f).allTrue()) return null;
        FloatVector nn = n.neg();
        FloatVector b = nn.fma(FloatVector.broadcast(F8, 0x1.7f7d1cp-20f), nn.fma(FloatVector.broadcast(F8, 0x1.62e4p-1f), x));
        IntVector e = z.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        FloatVector k = e.add(Float.floatToRawIntBits(1f)).reinterpretAsFloats();
        FloatVector u = b.mul(b);
        FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f)).fma(u, b.mul(0x1.ffffecp-1f));
        return j.fma(k, k);
    }

    /**
     * ggml's SiLU of a row of n values followed by the product with {@code up} (llama.cpp's FFN: silu(gate) * up):
     * silu(x) = x / (1 + exp(-x)), with {@link #expf} for whole 8-lane chunks and the C library's expf
     * ({@link LibmExp}) for the n % 8 tail.
     */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        swiglu(gate, gOff, up, uOff, n, 0, n);
    }

    /** Elements [from, to) of {@link #swiglu(float[], int, float[], int, int)} over n elements, the same numbers. */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n, int from, int to) {
        int vec = n & ~7;
        int i = from;
        if (VECTOR8) { // whole 8-lane chunks of the vector part, each lane on its own (no sums): any alignment
            FloatVector zero = FloatVector.zero(F8);
            for (; i + 8 <= Math.min(to, vec); i += 8) {
                FloatVector g = FloatVector.fromArray(F8, gate, gOff + i);
                FloatVector e = expf8(zero.sub(g));
                if (e != null) g.div(e.add(1.0f)).mul(FloatVector.fromArray(F8, up, uOff + i)).intoArray(gate, gOff + i);
                else for (int j = i; j < i + 8; j++) siluTimesUp(gate, gOff, up, uOff, j, vec); // a lane out of range
            }
        }
        for (; i < to; i++) siluTimesUp(gate, gOff, up, uOff, i, vec);
    }

    /** Element i of {@link #swiglu}, one at a time: ggml's vector exp below {@code vec}, the C library's after. */
    private static void siluTimesUp(float[] gate, int gOff, float[] up, int uOff, int i, int vec) {
        float g = gate[gOff + i];
        float e = i < vec ? expf(0f - g) : LibmExp.expf(-g);
        gate[gOff + i] = g / (1.0f + e) * up[uOff + i];
    }
}
