package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.F512;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.I512;
import static hearth.engine.quant.Simd.U32;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static hearth.engine.quant.Simd.hsum8;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K: super-blocks of 256 values, 144 bytes: {@code fp16 d} at +0, {@code fp16 dmin} at +2, 12 bytes of packed 6-bit
 * scales/mins for 8 sub-blocks of 32 at +4, {@code uint8 qs[128]} at +16. Sub-block j has scale sc_j and min m_j;
 * bytes 32c..32c+31 of qs hold sub-block 2c in their low nibbles and 2c+1 in their high nibbles.
 * Value = d * sc_j * q - dmin * m_j. Dot with Q8_K activations:
 * (d * d_x) * sum_j sc_j * isum_j - (dmin * d_x) * sum_j m_j * (sum of the sub-block's activation quants).
 */
final class Q4_KKernel extends TiledKernel {
    static final int BLOCK = 256, BYTES = 144;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** ggml's get_scale_min_k4: 6-bit scale (which = 0) or min (which = 1) of sub-block j from the 12 packed bytes. */
    static int scaleMin(MemorySegment w, long scales, int j, int which) {
        if (j < 4) return u8(w, scales + j + 4L * which) & 63;
        int low = which == 0 ? u8(w, scales + j + 4) & 15 : u8(w, scales + j + 4) >> 4;
        return low | (u8(w, scales + j - 4 + 4L * which) >> 6) << 4;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o), dmin = fp16(w, o + 2);
            int y = dstOffset + b * BLOCK;
            for (int c = 0; c < 4; c++) {
                float d1 = d * scaleMin(w, o + 4, 2 * c, 0), m1 = dmin * scaleMin(w, o + 4, 2 * c, 1);
                float d2 = d * scaleMin(w, o + 4, 2 * c + 1, 0), m2 = dmin * scaleMin(w, o + 4, 2 * c + 1, 1);
                for (int l = 0; l < 32; l++) {
                    int q = u8(w, o + 16 + 32 * c + l);
                    dst[y + 64 * c + l] = d1 * (q & 15) - m1;
                    dst[y + 64 * c + 32 + l] = d2 * (q >> 4) - m2;
                }
            }
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int xi = t * a.k + b * BLOCK, bi = t * nb + b;
            int isum = 0, msum = 0;
            for (int j = 0; j < 8; j++) {
                int sub = 0;
                for (int l = 0; l < 32; l++) {
                    int q = u8(w, o + 16 + 32 * (j / 2) + l);
                    sub += ((j & 1) == 0 ? q & 15 : q >> 4) * a.q[xi + 32 * j + l];
                }
                isum += scaleMin(w, o + 4, j, 0) * sub;
                msum += scaleMin(w, o + 4, j, 1) * (a.bsums[bi * 16 + 2 * j] + a.bsums[bi * 16 + 2 * j + 1]);
            }
            float dx = a.d[bi];
            sum += fp16(w, o) * dx * isum - fp16(w, o + 2) * dx * msum;
        }
        return sum;
    }

    private static final int KMASK1 = 0x3f3f3f3f, KMASK2 = 0x0f0f0f0f, KMASK3 = 0x03030303;

    /** The 8 six-bit scales of the super-block at o (Q4_K and Q5_K; ggml's utmp shuffle): byte j, sub-block j's. */
    static long scales(MemorySegment w, long o) {
        int u0 = w.get(U32, o + 4), u2 = w.get(U32, o + 12);
        return (u0 & KMASK1) & 0xffff_ffffL | (long) ((u2 & KMASK2) | (((u0 >>> 6) & KMASK3) << 4)) << 32;
    }

    /** The 8 six-bit mins of the super-block at o: byte j, sub-block j's. */
    static long mins(MemorySegment w, long o) {
        int u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
        return (u1 & KMASK1) & 0xffff_ffffL | (long) (((u2 >>> 4) & KMASK2) | (((u1 >>> 6) & KMASK3) << 4)) << 32;
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        FloatVector acc = FloatVector.zero(F256);
        // ggml's 4-lane acc_m: lane i accumulates dmin * (min_2i * sum_2i + min_2i+1 * sum_2i+1), sums over 32 values
        float am0 = 0, am1 = 0, am2 = 0, am3 = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            long scw = scales(w, o), mw = mins(w, o);
            IntVector isum = IntVector.zero(I256);
            int ms0 = 0, ms1 = 0, ms2 = 0, ms3 = 0;
            for (int j = 0; j < 8; j++) {
                int sc = (int) (scw >>> 8 * j) & 0xff, m = (int) (mw >>> 8 * j) & 0xff;
                int mins = m * (a.bsums[bi * 16 + 2 * j] + a.bsums[bi * 16 + 2 * j + 1]);
                switch (j >> 1) {
                    case 0 -> ms0 += mins;
                    case 1 -> ms1 += mins;
                    case 2 -> ms2 += mins;
                    default -> ms3 += mins;
                }
                isum = isum.add(dot32(sub(w, o, j, 0), sub(w, o, j, 16), xq, xi + 32 * j).mul(sc));
            }
            float dx = a.d[bi];
            float dmin = -dx * fp16(w, o + 2);
            am0 = Math.fma(dmin, ms0, am0);
            am1 = Math.fma(dmin, ms1, am1);
            am2 = Math.fma(dmin, ms2, am2);
            am3 = Math.fma(dmin, ms3, am3);
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, dx * fp16(w, o)), acc);
        }
        return hsum(acc) + ((am0 + am2) + (am1 + am3));
    }

    /** Values l .. l+15 (l = 0 or 16) of sub-block j: nibble (j & 1) of qs[32 * (j / 2) + l ..]. */
    static ShortVector sub(MemorySegment w, long o, int j, int l) {
        return shorts(w, o + 16 + 32 * (j >> 1) + l).lanewise(VectorOperators.ASHR, 4 * (j & 1)).and((short) 15);
    }

    // Row kernels. A pair of sub-blocks (2c, 2c+1) is 32 quant bytes, loaded as 16 short lanes (bytes 2i, 2i+1 in
    // lane i): the low nibbles of the even and odd bytes are sub-block 2c's even and odd elements, the high nibbles
    // sub-block 2c+1's, four shift-and-masks with no widening conversion. Times the activations in even/odd order
    // (Activations.qeo), short lane i holds the products of elements 2i and 2i+1, and int lane j sums elements
    // 4j..4j+3: ggml's AVX2 lane j, so the float accumulator takes ggml's operations and Simd.hsum8 its sum. The mins
    // term runs in vector lanes too: the 8 mins times the activations' 32-value sums (precomputed per call), pairs of
    // sub-blocks added, one fused multiply-add per super-block in the lanes of ggml's acc_m.
    //
    // rows1 (decoding, one activation row) reads two weight rows in one pass (pair); with 512-bit vectors one row at a
    // time, two chunks per load (row512: 1.5x as fast on one core, 4864 x 896, MatMulBench). rows4 decodes each weight
    // row once into a Row (decode), then dot2 and mins2 take it with two activation rows at a time. These are small
    // methods with scalar and array arguments only (~11000, ~14000 and ~6000 C2 nodes); see Q5_0Kernel for why.
    // The decoded copy cost rows1 a store and a load of every value: Llama-3.2-1B Q4_K_M tg32 on two threads went from 7.4-8.6 to
    // 10.0-10.9 tok/s with pair (Q4_K read at 5.0-5.9 -> 7.5-8.1 GB/s, bench model --kernels, two interleaved pairs).

    /** Adds the lanes of mins 2c and 2c+1: lanes 0, 4, 1, 5 end up holding acc_m lanes 0, 1, 2, 3. */
    private static final VectorShuffle<Integer> MIN_PAIRS = VectorShuffle.fromValues(I256, 2, 3, 0, 1, 6, 7, 4, 5);

    /**
     * A decoded weight row: per sub-block its 16 even then 16 odd values as shorts (q), its scale (sc) and, per
     * super-block, d, dmin and the 8 mins in lane order: lane l holds min (l >> 1) + 4 * (l & 1).
     */
    private static final class Row {
        final short[] q;
        final int[] sc, mins;
        final float[] d, dmin;

        Row(int k) {
            int nb = k / BLOCK;
            q = new short[k];
            sc = new int[nb * 8];
            mins = new int[nb * 8];
            d = new float[nb];
            dmin = new float[nb];
        }
    }

    /** Per compute thread: the decoded row of rows4, kept between calls (decode overwrites every field). */
    private static final ThreadLocal<Row[]> ROW = ThreadLocal.withInitial(() -> new Row[1]);

    /** This thread's decoded row for rows of k values. */
    private static Row row(int k) {
        Row[] holder = ROW.get();
        if (holder[0] == null || holder[0].q.length != k) holder[0] = new Row(k);
        return holder[0];
    }

    /**
     * Sums of the 32 activation quants of each sub-block for activation rows t .. t+n-1, at [(u * nb + b) * 8 + l] in
     * the mins' lane order.
     */
    private static int[] subBlockSums(Activations a, int t, int n) {
        int nb = a.k / BLOCK;
        int[] s = new int[n * nb * 8];
        for (int u = 0; u < n; u++) {
            for (int b = 0; b < nb; b++) {
                int bs = ((t + u) * nb + b) * 16, o = (u * nb + b) * 8;
                for (int l = 0; l < 8; l++) {
                    int j = (l >> 1) + 4 * (l & 1);
                    s[o + l] = a.bsums[bs + 2 * j] + a.bsums[bs + 2 * j + 1];
                }
            }
        }
        return s;
    }

    private static float minsTotal(float[] h, int o) {
        return (h[o] + h[o + 1]) + (h[o + 4] + h[o + 5]);
    }

    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        if (Simd.WIDE) rows1Wide(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
        else inPairs(Q4_KKernel::pair, true, w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
    }

    /**
     * Sums of the 32 activation quants of each sub-block of rows t .. t+rows-1 in sub-block order (entry (u * nb + b) *
     * 8 + j for row t + u), for row512 and addDecodedTerms.
     */
    private static int[] subBlockSumsInOrder(Activations a, int t, int rows) {
        int nb = a.k / BLOCK;
        int[] s = new int[rows * nb * 8];
        for (int i = 0, bs = t * nb * 16; i < s.length; i++) s[i] = a.bsums[bs + 2 * i] + a.bsums[bs + 2 * i + 1];
        return s;
    }

    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    /**
     * Shifts that bring the scale of each lane's sub-block to the low byte of the two chunks' four scale bytes: the low
     * nibbles of chunk 2c take byte 0, of chunk 2c + 1 byte 2; the high nibbles bytes 1 and 3.
     */
    private static final IntVector LOW_SCALES = halves(0, 16), HIGH_SCALES = halves(8, 24);

    private static IntVector halves(int first, int second) {
        int[] v = new int[16];
        for (int l = 0; l < 16; l++) v[l] = l < 8 ? first : second;
        return IntVector.fromArray(I512, v, 0);
    }

    /**
     * {@link #rows1} with 512-bit vectors, row by row ({@link #row512}); the same outputs as {@link #inPairs} with
     * {@link #pair}, bit for bit.
     */
    private static void rows1Wide(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        short[] xp = pairedChunks(a, t, 64);
        int[] xs = subBlockSumsInOrder(a, t, 1);
        float[] h = new float[16];
        for (int r = rowFrom; r < rowTo; r++) out[t * outStride + r] = row512(w.asSlice(r * rowBytes, rowBytes), xp, xs, a, t, h);
    }

    /**
     * Weight row w (a slice, read with int offsets) times activation row t: one load takes two chunks (four sub-blocks),
     * whose int lanes 0..7 and 8..15 hold ggml's int lanes of the two chunks, times the activations in
     * {@link #pairedChunks}' order (chunks of 64, in xp); the two halves' integer sums are added (each lane to its twin
     * in the other half) before the float step, whose lanes 8..15 repeat lanes 0..7; the mins as {@link #pair} takes
     * them (sub-block sums in xs). One row per call: with two, as pair does, C2 at times stopped inlining the Vector
     * API's calls part way through the second row (its intrinsics late-inlined past the node limits), which then
     * allocated boxed vectors, in some JVM runs and not others (Qwen2.5-0.5B decoding at 15-24 against 37 tok/s).
     */
    private static float row512(MemorySegment w, short[] xp, int[] xs, Activations a, int t, float[] h) {
        int nb = a.k / BLOCK;
        FloatVector acc = FloatVector.zero(F512); // lanes 8..15 repeat lanes 0..7
        float am0 = 0, am1 = 0, am2 = 0, am3 = 0;
        for (int b = 0; b < nb; b++) {
            int o = b * BYTES;
            long sa = scales(w, o), ma = mins(w, o);
            IntVector is = IntVector.zero(I512);
            for (int c = 0; c < 2; c++) {
                int x = b * BLOCK + 128 * c; // chunks 2c, 2c + 1: sub-blocks 4c .. 4c + 3, scale bytes alike
                IntVector sc = IntVector.broadcast(I512, (int) (sa >>> 32 * c));
                IntVector q = ShortVector.fromMemorySegment(S512, w, o + 16 + 64 * c, LE).reinterpretAsInts();
                IntVector p = q.and(0x000f000f).reinterpretAsShorts().mul(ShortVector.fromArray(S512, xp, x))
                        .add(q.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().mul(ShortVector.fromArray(S512, xp, x + 32))).reinterpretAsInts();
                is = is.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.lanewise(LSHR, LOW_SCALES).and(0xff)));
                p = q.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().mul(ShortVector.fromArray(S512, xp, x + 64))
                        .add(q.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().mul(ShortVector.fromArray(S512, xp, x + 96))).reinterpretAsInts();
                is = is.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.lanewise(LSHR, HIGH_SCALES).and(0xff)));
            }
            float dx = a.d[t * nb + b];
            acc = ((FloatVector) is.add(is.rearrange(Simd.SWAP_HALVES)).convertShape(I2F, F512, 0))
                    .fma(FloatVector.broadcast(F512, dx * Float.float16ToFloat(w.get(U16, o))), acc);
            // mins: ggml's acc_m lane i takes sub-blocks 2i and 2i + 1
            float dm = -dx * Float.float16ToFloat(w.get(U16, o + 2));
            am0 = Math.fma(dm, (int) (ma & 0xff) * xs[8 * b] + (int) (ma >>> 8 & 0xff) * xs[8 * b + 1], am0);
            am1 = Math.fma(dm, (int) (ma >>> 16 & 0xff) * xs[8 * b + 2] + (int) (ma >>> 24 & 0xff) * xs[8 * b + 3], am1);
            am2 = Math.fma(dm, (int) (ma >>> 32 & 0xff) * xs[8 * b + 4] + (int) (ma >>> 40 & 0xff) * xs[8 * b + 5], am2);
            am3 = Math.fma(dm, (int) (ma >>> 48 & 0xff) * xs[8 * b + 6] + (int) (ma >>> 56) * xs[8 * b + 7], am3);
        }
        acc.intoArray(h, 0);
        // inPairs' sum: the lanes' hsum8, then the mins total (times 1) in one rounding, a plain addition
        return hsum8(h, 0) + ((am0 + am2) + (am1 + am3));
    }

    /**
     * Rows w0 and w1 (slices, read with int offsets) with activation row t in one pass, no decoded copy: per pair of
     * sub-blocks the 32 quant bytes as 16 short lanes, four shift-and-masks for the two sub-blocks' even and odd
     * values (as {@link #decode}), the products and pair sums of {@link #dot2}, and the mins in scalars as {@link #dot}
     * takes them (its four acc_m sums). Float accumulators to h[0..8) and h[8..16) for {@link Simd#hsum8}, the two
     * rows' mins totals to h[16] and h[17]. The same integer and float operations as decode + dot2 + mins2 (and dot),
     * so the same outputs bit for bit, without writing the decoded row out and reading it back.
     */
    private static void pair(MemorySegment w0, MemorySegment w1, Activations a, int t, float[] h) {
        short[] x = a.qeo;
        int[] bsums = a.bsums;
        int k = a.k, nb = k / BLOCK;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        float am0 = 0, am1 = 0, am2 = 0, am3 = 0, an0 = 0, an1 = 0, an2 = 0, an3 = 0;
        for (int b = 0; b < nb; b++) {
            int o = b * BYTES, bi = t * nb + b, xi = t * k + b * BLOCK;
            long sa = scales(w0, o), sb = scales(w1, o), ma = mins(w0, o), mb = mins(w1, o);
            IntVector is0 = IntVector.zero(I256), is1 = is0;
            for (int c = 0; c < 4; c++) {
                int i = xi + 64 * c, sh = 16 * c; // sub-blocks 2c and 2c + 1: scale bytes 2c, 2c + 1
                ShortVector xe = ShortVector.fromArray(S256, x, i), xo = ShortVector.fromArray(S256, x, i + 16);
                ShortVector ye = ShortVector.fromArray(S256, x, i + 32), yo = ShortVector.fromArray(S256, x, i + 48);
                IntVector q = ShortVector.fromMemorySegment(S256, w0, o + 16 + 32 * c, LE).reinterpretAsInts();
                IntVector p = q.and(0x000f000f).reinterpretAsShorts().mul(xe)
                        .add(q.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                is0 = is0.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sa >>> sh) & 0xff));
                p = q.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().mul(ye)
                        .add(q.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().mul(yo)).reinterpretAsInts();
                is0 = is0.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sa >>> sh + 8) & 0xff));
                q = ShortVector.fromMemorySegment(S256, w1, o + 16 + 32 * c, LE).reinterpretAsInts();
                p = q.and(0x000f000f).reinterpretAsShorts().mul(xe)
                        .add(q.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                is1 = is1.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sb >>> sh) & 0xff));
                p = q.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().mul(ye)
                        .add(q.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().mul(yo)).reinterpretAsInts();
                is1 = is1.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul((int) (sb >>> sh + 8) & 0xff));
            }
            float dx = a.d[bi];
            acc0 = ((FloatVector) is0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w0.get(U16, o))), acc0);
            acc1 = ((FloatVector) is1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(w1.get(U16, o))), acc1);
            // mins: ggml's acc_m lane i takes sub-blocks 2i and 2i + 1
            int s0 = bsums[bi * 16] + bsums[bi * 16 + 1], s1 = bsums[bi * 16 + 2] + bsums[bi * 16 + 3];
            int s2 = bsums[bi * 16 + 4] + bsums[bi * 16 + 5], s3 = bsums[bi * 16 + 6] + bsums[bi * 16 + 7];
            int s4 = bsums[bi * 16 + 8] + bsums[bi * 16 + 9], s5 = bsums[bi * 16 + 10] + bsums[bi * 16 + 11];
            int s6 = bsums[bi * 16 + 12] + bsums[bi * 16 + 13], s7 = bsums[bi * 16 + 14] + bsums[bi * 16 + 15];
            float dm0 = -dx * Float.float16ToFloat(w0.get(U16, o + 2)), dm1 = -dx * Float.float16ToFloat(w1.get(U16, o + 2));
            am0 = Math.fma(dm0, (int) (ma & 0xff) * s0 + (int) (ma >>> 8 & 0xff) * s1, am0);
            am1 = Math.fma(dm0, (int) (ma >>> 16 & 0xff) * s2 + (int) (ma >>> 24 & 0xff) * s3, am1);
            am2 = Math.fma(dm0, (int) (ma >>> 32 & 0xff) * s4 + (int) (ma >>> 40 & 0xff) * s5, am2);
            am3 = Math.fma(dm0, (int) (ma >>> 48 & 0xff) * s6 + (int) (ma >>> 56) * s7, am3);
            an0 = Math.fma(dm1, (int) (mb & 0xff) * s0 + (int) (mb >>> 8 & 0xff) * s1, an0);
            an1 = Math.fma(dm1, (int) (mb >>> 16 & 0xff) * s2 + (int) (mb >>> 24 & 0xff) * s3, an1);
            an2 = Math.fma(dm1, (int) (mb >>> 32 & 0xff) * s4 + (int) (mb >>> 40 & 0xff) * s5, an2);
            an3 = Math.fma(dm1, (int) (mb >>> 48 & 0xff) * s6 + (int) (mb >>> 56) * s7, an3);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
        h[16] = (am0 + am2) + (am1 + am3);
        h[17] = (an0 + an2) + (an1 + an3);
    }

    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        Row q = row(a.k);
        int[] xs = subBlockSums(a, t, 4);
        float[] h = new float[32];
        int nb8 = a.k / BLOCK * 8;
        for (int r = rowFrom; r < rowTo; r++) {
            decode(w, r * rowBytes, q);
            for (int u = t; u < t + 4; u += 2) {
                dot2(q, q, a, u, u + 1, h);
                mins2(q, q, xs, (u - t) * nb8, (u - t + 1) * nb8, a, u, u + 1, h);
                out[u * outStride + r] = hsum8(h, 0) + minsTotal(h, 16);
                out[(u + 1) * outStride + r] = hsum8(h, 8) + minsTotal(h, 24);
            }
        }
    }

    /** Decodes the weight row at o into row. */
    private static void decode(MemorySegment w, long o, Row row) {
        short[] q = row.q;
        int[] sc = row.sc, mins = row.mins;
        for (int b = 0; b < row.d.length; b++, o += BYTES) {
            row.d[b] = fp16(w, o);
            row.dmin[b] = fp16(w, o + 2);
            long scw = scales(w, o), mw = mins(w, o);
            for (int j = 0; j < 4; j++) {
                sc[8 * b + j] = (int) (scw >>> 8 * j) & 0xff;
                sc[8 * b + 4 + j] = (int) (scw >>> 8 * j + 32) & 0xff;
                mins[8 * b + 2 * j] = (int) (mw >>> 8 * j) & 0xff;
                mins[8 * b + 2 * j + 1] = (int) (mw >>> 8 * j + 32) & 0xff;
            }
            for (int c = 0; c < 4; c++) {
                IntVector s = ShortVector.fromMemorySegment(S256, w, o + 16 + 32 * c, LE).reinterpretAsInts();
                int i = b * BLOCK + 64 * c;
                s.and(0x000f000f).reinterpretAsShorts().intoArray(q, i);
                s.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().intoArray(q, i + 16);
                s.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().intoArray(q, i + 32);
                s.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().intoArray(q, i + 48);
            }
        }
    }

    /** ggml's scaled integer sums of rows ra, rb with activation rows ta, tb: float accumulators to h[0..8), h[8..16). */
    private static void dot2(Row ra, Row rb, Activations a, int ta, int tb, float[] h) {
        short[] x = a.qeo;
        float[] xd = a.d;
        int k = a.k, nb = k / BLOCK, xa = ta * k, xb = tb * k;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        for (int b = 0; b < nb; b++) {
            IntVector is0 = IntVector.zero(I256), is1 = is0;
            for (int j = 0, i = b * BLOCK; j < 8; j++, i += 32) {
                IntVector p0 = ShortVector.fromArray(S256, ra.q, i).mul(ShortVector.fromArray(S256, x, xa + i))
                        .add(ShortVector.fromArray(S256, ra.q, i + 16).mul(ShortVector.fromArray(S256, x, xa + i + 16))).reinterpretAsInts();
                IntVector p1 = ShortVector.fromArray(S256, rb.q, i).mul(ShortVector.fromArray(S256, x, xb + i))
                        .add(ShortVector.fromArray(S256, rb.q, i + 16).mul(ShortVector.fromArray(S256, x, xb + i + 16))).reinterpretAsInts();
                // pair sums (exact: |sum of four| < 2^13) times the sub-block scales
                is0 = is0.add(p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(ra.sc[8 * b + j]));
                is1 = is1.add(p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(rb.sc[8 * b + j]));
            }
            acc0 = ((FloatVector) is0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, xd[ta * nb + b] * ra.d[b]), acc0);
            acc1 = ((FloatVector) is1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, xd[tb * nb + b] * rb.d[b]), acc1);
        }
        acc0.intoArray(h, 0);
        acc1.intoArray(h, 8);
    }

    /**
     * The mins terms of rows ra, rb with activation rows ta, tb (sub-block sums at xs[xsa ..], xs[xsb ..]): ggml's acc_m
     * lanes to h[16..24), h[24..32) (see minsTotal).
     */
    private static void mins2(Row ra, Row rb, int[] xs, int xsa, int xsb, Activations a, int ta, int tb, float[] h) {
        float[] xd = a.d;
        int nb = a.k / BLOCK;
        FloatVector am0 = FloatVector.zero(F256), am1 = am0;
        for (int b = 0; b < nb; b++) {
            IntVector m0 = IntVector.fromArray(I256, ra.mins, 8 * b).mul(IntVector.fromArray(I256, xs, xsa + 8 * b));
            IntVector m1 = IntVector.fromArray(I256, rb.mins, 8 * b).mul(IntVector.fromArray(I256, xs, xsb + 8 * b));
            m0 = m0.add(m0.rearrange(MIN_PAIRS));
            m1 = m1.add(m1.rearrange(MIN_PAIRS));
            am0 = ((FloatVector) m0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, -xd[ta * nb + b] * ra.dmin[b]), am0);
            am1 = ((FloatVector) m1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, -xd[tb * nb + b] * rb.dmin[b]), am1);
        }
        am0.intoArray(h, 16);
        am1.intoArray(h, 24);
    }

    @Override
    boolean rowKernels() {
        return true;
    }

    @Override
    boolean floatDecoded() {
        return true;
    }

    @Override
    int decodedSpan() {
        return 8;
    }

    /**
     * Batches of {@link DecodedBatch#MIN_ROWS}+ activation rows go through {@link DecodedBatch}: each value decoded as
     * q times its sub-block's scale, an exact integer (at most 15 * 63), so ggml's int lanes (elements 4j..4j+3 of each
     * sub-block, times its scale, over the super-block: |lane| <= 8 * 4 * 945 * 128 < 2^24) come out exact in float
     * arithmetic. The 32 quant bytes of sub-blocks 2c and 2c + 1 loaded as int lanes hold elements 4j..4j+3 in lane j;
     * byte m's low nibble is sub-block 2c's element 4j + m, its high nibble sub-block 2c + 1's. The super-block's d is
     * the scale once per 8 blocks; the mins come after the tiles ({@link #addDecodedTerms}).
     */
    @Override
    void decodeFloatRow(MemorySegment w, long offset, int nb, float[] dst, int dstOff, int groupStride, int blockStride,
            float[] scales, int scaleOff) {
        long o = offset;
        for (int b = 0; b < nb / 8; b++, o += BYTES) {
            scales[scaleOff + b] = fp16(w, o);
            long sc = scales(w, o);
            for (int c = 0; c < 4; c++) {
                IntVector q = IntVector.fromMemorySegment(I256, w, o + 16 + 32 * c, LE);
                FloatVector lo = FloatVector.broadcast(F256, (int) (sc >>> 16 * c) & 0xff), hi = FloatVector.broadcast(F256, (int) (sc >>> 16 * c + 8) & 0xff);
                int y = dstOff + (8 * b + 2 * c) * blockStride;
                for (int m = 0; m < 4; m++) {
                    ((FloatVector) q.lanewise(LSHR, 8 * m).and(15).convertShape(I2F, F256, 0)).mul(lo).intoArray(dst, y + m * groupStride);
                    ((FloatVector) q.lanewise(LSHR, 8 * m + 4).and(15).convertShape(I2F, F256, 0)).mul(hi).intoArray(dst, y + blockStride + m * groupStride);
                }
            }
        }
    }

    /** Weight rows per vector in {@link #addDecodedTerms}. */
    private static final VectorSpecies<Float> ROWS = Simd.WIDE ? F512 : F256;

    /**
     * The mins terms, 16 weight rows per vector (8 without 512-bit vectors): per super-block, ggml's four acc_m lanes
     * take dm = -d_x * dmin times m_2i * s_2i + m_2i+1 * s_2i+1 (mins m, the activations' sub-block sums s: exact in
     * float, below 2^20) in one fused multiply-add each, and their total (acc_0 + acc_2) + (acc_1 + acc_3) is added to
     * each output, as {@link #row512} and {@link #pair} add it to theirs.
     */
    @Override
    void addDecodedTerms(MemorySegment w, long rowBytes, int r0, int r1, Activations a, int tiled, float[] out, int outStride) {
        int nb = a.k / BLOCK, lanes = ROWS.length();
        int[] sums = subBlockSumsInOrder(a, 0, tiled);
        float[] mins = new float[nb * 8 * lanes], dmin = new float[nb * lanes];
        for (int g = r0; g < r1; g += lanes) {
            int count = Math.min(lanes, r1 - g);
            for (int l = 0; l < count; l++) { // the group's mins and dmins, lane l for row g + l
                long o = (g + l) * rowBytes;
                for (int b = 0; b < nb; b++, o += BYTES) {
                    dmin[b * lanes + l] = fp16(w, o + 2);
                    long m = mins(w, o);
                    for (int j = 0; j < 8; j++) mins[(b * 8 + j) * lanes + l] = (int) (m >>> 8 * j) & 0xff;
                }
            }
            VectorMask<Float> rows = ROWS.indexInRange(0, count);
            for (int t = 0; t < tiled; t++) {
                FloatVector am0 = FloatVector.zero(ROWS), am1 = am0, am2 = am0, am3 = am0;
                for (int b = 0; b < nb; b++) {
                    int bi = t * nb + b, s = 8 * bi, m = 8 * b * lanes;
                    FloatVector dm = FloatVector.fromArray(ROWS, dmin, b * lanes).mul(-a.d[bi]);
                    am0 = FloatVector.fromArray(ROWS, mins, m + lanes).fma(FloatVector.broadcast(ROWS, (float) sums[s + 1]), FloatVector.fromArray(ROWS, mins, m).mul((float) sums[s])).fma(dm, am0);
                    am1 = FloatVector.fromArray(ROWS, mins, m + 3 * lanes).fma(FloatVector.broadcast(ROWS, (float) sums[s + 3]), FloatVector.fromArray(ROWS, mins, m + 2 * lanes).mul((float) sums[s + 2])).fma(dm, am1);
                    am2 = FloatVector.fromArray(ROWS, mins, m + 5 * lanes).fma(FloatVector.broadcast(ROWS, (float) sums[s + 5]), FloatVector.fromArray(ROWS, mins, m + 4 * lanes).mul((float) sums[s + 4])).fma(dm, am2);
                    am3 = FloatVector.fromArray(ROWS, mins, m + 7 * lanes).fma(FloatVector.broadcast(ROWS, (float) sums[s + 7]), FloatVector.fromArray(ROWS, mins, m + 6 * lanes).mul((float) sums[s + 6])).fma(dm, am3);
                }
                int at = t * outStride + g;
                am0.add(am2).add(am1.add(am3)).add(FloatVector.fromArray(ROWS, out, at, rows)).intoArray(out, at, rows);
            }
        }
    }
}
