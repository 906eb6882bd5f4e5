package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.F512;
import static hearth.engine.quant.Simd.I256;
import static hearth.engine.quant.Simd.I512;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.halfScales;
import static hearth.engine.quant.Simd.hsum;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.s8;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;
import static hearth.engine.quant.Simd.B128;
import static hearth.engine.quant.Simd.LE;
import static hearth.engine.quant.Simd.S256;
import static hearth.engine.quant.Simd.U16;
import static hearth.engine.quant.Simd.hsum8;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K: super-blocks of 256 values, 210 bytes: {@code uint8 ql[128]} (low 4 bits) at +0, {@code uint8 qh[64]}
 * (high 2 bits) at +128, {@code int8 scales[16]} (one per 16 values) at +192, {@code fp16 d} at +208.
 * Each half h of 128 values uses ql[64h..], qh[32h..]: for l < 32, values l, l+32, l+64, l+96 take the low nibble of
 * ql[l], low nibble of ql[l+32], high nibble of ql[l], high nibble of ql[l+32], with bits 0-1, 2-3, 4-5, 6-7 of qh[l]
 * on top; value = d * scale * (q - 32). Dot with Q8_K: (d * d_x) * sum_g scale_g * isum_g.
 */
final class Q6_KKernel extends TiledKernel {
    static final int BLOCK = 256, BYTES = 210;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    /** Value i (0..255) of the super-block at o, signed (-32..31), before scaling. */
    private static int value(MemorySegment w, long o, int i) {
        int h = i / 128, r = i % 128, quarter = r / 32, l = r % 32;
        int ql = u8(w, o + 64 * h + l + (quarter & 1) * 32);
        int low = quarter < 2 ? ql & 15 : ql >> 4;
        int high = (u8(w, o + 128 + 32 * h + l) >> (2 * quarter)) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o + 208);
            for (int i = 0; i < BLOCK; i++) dst[dstOffset + b * BLOCK + i] = d * s8(w, o + 192 + i / 16) * value(w, o, i);
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int xi = t * a.k + b * BLOCK;
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int sub = 0;
                for (int l = 0; l < 16; l++) sub += value(w, o, 16 * g + l) * a.q[xi + 16 * g + l];
                isum += s8(w, o + 192 + g) * sub;
            }
            sum += fp16(w, o + 208) * a.d[t * nb + b] * isum;
        }
        return sum;
    }

    /**
     * Group g (16 values) of the super-block at o as unsigned 6-bit values (0..63). Group g lies in half g / 8,
     * quarter (g % 8) / 2, and its 16 bytes of ql/qh start at 16 * (g % 2) within that quarter's 32.
     */
    static ShortVector group(MemorySegment w, long o, int g) {
        int h = g >> 3, quarter = (g >> 1) & 3, part = g & 1;
        ShortVector low = shorts(w, o + 64 * h + 32 * (quarter & 1) + 16 * part).lanewise(VectorOperators.ASHR, 4 * (quarter >> 1)).and((short) 15);
        ShortVector high = shorts(w, o + 128 + 32 * h + 16 * part).lanewise(VectorOperators.ASHR, 2 * quarter).and((short) 3);
        return low.or(high.lanewise(VectorOperators.LSHL, 4));
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.qg;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int bi = t * nb + b, xi = t * a.k + b * BLOCK;
            IntVector isum = IntVector.zero(I256);
            // like ggml, per 32 values (groups 2c and 2c+1): sum of (q - 32) * x in groups of four, times the scales
            for (int c = 0; c < 8; c++) {
                ShortVector lo = group(w, o, 2 * c).sub((short) 32), hi = group(w, o, 2 * c + 1).sub((short) 32);
                isum = isum.add(dot32(lo, hi, xq, xi + 32 * c).mul(halfScales(s8(w, o + 192 + 2 * c), s8(w, o + 193 + 2 * c))));
            }
            acc = toFloat(isum).fma(FloatVector.broadcast(F256, a.d[bi] * fp16(w, o + 208)), acc);
        }
        return hsum(acc);
    }

    // Row micro-kernels: the dot product's arithmetic (the same int lanes, added in the same float order) with every
    // vector operation written out in the loop nest (see TiledKernel#rowKernels).

    @Override
    boolean rowKernels() {
        return true;
    }

    /**
     * One activation row, lanes in ggml's natural order (int lane j: elements 4j..4j+3 of a 32-value chunk, the
     * chunk's first group scale in lanes 0..3 and its second in 4..7), the int lanes of {@link #dot} (which keeps them
     * in the order of {@link Simd#dot32}) in ggml's own order. Per chunk the 32 ql and qh bytes loaded as int lanes give
     * the unsigned 6-bit q (0..63) in every byte; two int masks (one after an 8-bit int shift) give the even and the odd
     * bytes as 16 short lanes (lane s: elements 2s and 2s + 1), two 16-bit multiplies with the even and odd activations
     * (qeo) and one add the pair sums of q * x (|sum| <= 2 * 63 * 128), one int pair sum the four-element lanes, and
     * subtracting 32 times the activations' four-element sums ({@link #fourSums32}) those of (q - 32) * x, as ggml's
     * AVX2 kernel does. Masks rather than 16-bit shifts: C2 emits a short-lane shift by a constant as three
     * instructions (count to a general register, to a vector register, shift), an int-lane one as one. With 512-bit
     * vectors, {@link #rows1Wide}: 1.6x as fast on one core (4864 x 896, MatMulBench), Q6_K at 13.7-16.4 against
     * 6.8-10 GB/s in Qwen2.5-0.5B's decoding (bench model --kernels).
     */
    @Override
    void rows1(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        if (Simd.WIDE) {
            rows1Wide(w, rowBytes, rowFrom, rowTo, a, t, out, outStride);
            return;
        }
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qeo;
        float[] h = new float[16];
        int[] sc16 = new int[16], sd16 = new int[16];
        int[] x32 = fourSums32(a, t);
        // Two rows at a time, half the range apart: two memory streams keep more cache-line fills in flight than one
        // (these weights come from memory; see Q8_0Kernel#rows1). With an odd count the middle row goes in twice.
        int half = (rowTo - rowFrom + 1) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowFrom + i, r1 = r + half < rowTo ? r + half : r;
            MemorySegment row = w.asSlice(r * rowBytes, rowBytes), row1 = w.asSlice(r1 * rowBytes, rowBytes); // int offsets
            FloatVector acc = FloatVector.zero(F256), acc1 = acc;
            for (int b = 0, o = 0; b < nb; b++, o += BYTES) {
                int xi = t * k + b * BLOCK;
                scales(row, o, sc16);
                scales(row1, o, sd16);
                IntVector isum = IntVector.zero(I256), isum1 = isum;
                for (int hf = 0; hf < 2; hf++) {
                    IntVector qh = IntVector.fromMemorySegment(I256, row, o + 128 + 32 * hf, LE);
                    IntVector qh1 = IntVector.fromMemorySegment(I256, row1, o + 128 + 32 * hf, LE);
                    for (int odd = 0; odd < 2; odd++) {
                        IntVector ql = IntVector.fromMemorySegment(I256, row, o + 64 * hf + 32 * odd, LE);
                        IntVector ql1 = IntVector.fromMemorySegment(I256, row1, o + 64 * hf + 32 * odd, LE);
                        for (int high = 0; high < 2; high++) {
                            int quarter = odd + 2 * high, c = 4 * hf + quarter, x = xi + 32 * c;
                            ShortVector xe = ShortVector.fromArray(S256, xq, x), xo = ShortVector.fromArray(S256, xq, x + 16);
                            IntVector xs = IntVector.fromArray(I256, x32, (b * 8 + c) * 8);
                            IntVector q = ql.lanewise(LSHR, 4 * high).and(0x0f0f_0f0f).or(qh.lanewise(LSHR, 2 * quarter).and(0x0303_0303).lanewise(LSHL, 4));
                            IntVector p = q.and(0x00ff_00ff).reinterpretAsShorts().mul(xe)
                                    .add(q.lanewise(LSHR, 8).and(0x00ff_00ff).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                            p = p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).sub(xs);
                            isum = isum.add(p.mul(IntVector.broadcast(I256, sc16[2 * c]).blend(IntVector.broadcast(I256, sc16[2 * c + 1]), SECOND_HALF)));
                            q = ql1.lanewise(LSHR, 4 * high).and(0x0f0f_0f0f).or(qh1.lanewise(LSHR, 2 * quarter).and(0x0303_0303).lanewise(LSHL, 4));
                            p = q.and(0x00ff_00ff).reinterpretAsShorts().mul(xe)
                                    .add(q.lanewise(LSHR, 8).and(0x00ff_00ff).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                            p = p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).sub(xs);
                            isum1 = isum1.add(p.mul(IntVector.broadcast(I256, sd16[2 * c]).blend(IntVector.broadcast(I256, sd16[2 * c + 1]), SECOND_HALF)));
                        }
                    }
                }
                float dx = a.d[t * nb + b];
                acc = ((FloatVector) isum.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(row.get(U16, o + 208))), acc);
                acc1 = ((FloatVector) isum1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, dx * Float.float16ToFloat(row1.get(U16, o + 208))), acc1);
            }
            acc.intoArray(h, 0);
            acc1.intoArray(h, 8);
            out[t * outStride + r] = hsum8(h, 0);
            out[t * outStride + r1] = hsum8(h, 8);
        }
    }

    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    /** The qh shifts of the two chunks in a 512-bit vector: the second chunk's bits sit 2 higher. */
    private static final IntVector QH_SHIFT = IntVector.fromArray(I512, new int[] {0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2}, 0);
    /** The qh bytes of half 0 (int lanes 0..7 of the super-block's 64) or 1 (lanes 8..15), in both halves of a vector. */
    private static final VectorShuffle<Integer>[] QH_HALF = qhHalves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Integer>[] qhHalves() {
        return new VectorShuffle[] {VectorShuffle.fromOp(I512, l -> l % 8), VectorShuffle.fromOp(I512, l -> 8 + l % 8)};
    }

    /** For chunks 2m and 2m + 1: lane l takes group scale 4m + l / 4 of the super-block's 16. */
    private static final VectorShuffle<Integer>[] CHUNK_SCALES = chunkScales();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Integer>[] chunkScales() {
        VectorShuffle<Integer>[] s = new VectorShuffle[4];
        for (int m = 0; m < 4; m++) {
            int first = 4 * m;
            s[m] = VectorShuffle.fromOp(I512, l -> first + l / 4);
        }
        return s;
    }

    /**
     * {@link #rows1} with 512-bit vectors: one vector holds two neighbouring chunks (the ql bytes of both are adjacent,
     * their qh bytes the same 32 with the second chunk's 2 bits higher), times the activations in
     * {@link #pairedChunks}' order (chunks of 32); the two halves' integer sums are added (each lane to its twin in the
     * other half) before the float step, whose lanes 8..15 repeat lanes 0..7, so the outputs are rows1's bit for bit.
     */
    private static void rows1Wide(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = pairedChunks(a, t, 32);
        float[] h = new float[32];
        int[] x32 = fourSums32(a, t);
        int half = (rowTo - rowFrom + 1) / 2;
        for (int i = 0; i < half; i++) {
            int r = rowFrom + i, r1 = r + half < rowTo ? r + half : r;
            MemorySegment row = w.asSlice(r * rowBytes, rowBytes), row1 = w.asSlice(r1 * rowBytes, rowBytes); // int offsets
            FloatVector acc = FloatVector.zero(F512), acc1 = acc; // lanes 8..15 repeat lanes 0..7
            for (int b = 0, o = 0; b < nb; b++, o += BYTES) {
                int xi = b * BLOCK;
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(B128, row, o + 192, LE).convertShape(B2I, I512, 0);
                IntVector sd = (IntVector) ByteVector.fromMemorySegment(B128, row1, o + 192, LE).convertShape(B2I, I512, 0);
                IntVector isum = IntVector.zero(I512), isum1 = isum;
                IntVector qhs = IntVector.fromMemorySegment(I512, row, o + 128, LE), qhs1 = IntVector.fromMemorySegment(I512, row1, o + 128, LE);
                for (int hf = 0; hf < 2; hf++) {
                    IntVector qh = qhs.rearrange(QH_HALF[hf]).lanewise(LSHR, QH_SHIFT);
                    IntVector qh1 = qhs1.rearrange(QH_HALF[hf]).lanewise(LSHR, QH_SHIFT);
                    IntVector ql = IntVector.fromMemorySegment(I512, row, o + 64 * hf, LE);
                    IntVector ql1 = IntVector.fromMemorySegment(I512, row1, o + 64 * hf, LE);
                    for (int high = 0; high < 2; high++) {
                        int m = 2 * hf + high, x = xi + 64 * m; // chunks 2m and 2m + 1
                        ShortVector xe = ShortVector.fromArray(S512, xq, x), xo = ShortVector.fromArray(S512, xq, x + 32);
                        IntVector xs = IntVector.fromArray(I512, x32, (b * 8 + 2 * m) * 8);
                        IntVector q = ql.lanewise(LSHR, 4 * high).and(0x0f0f_0f0f).or(qh.lanewise(LSHR, 4 * high).and(0x0303_0303).lanewise(LSHL, 4));
                        IntVector p = q.and(0x00ff_00ff).reinterpretAsShorts().mul(xe)
                                .add(q.lanewise(LSHR, 8).and(0x00ff_00ff).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                        p = p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).sub(xs);
                        isum = isum.add(p.mul(sc.rearrange(CHUNK_SCALES[m])));
                        q = ql1.lanewise(LSHR, 4 * high).and(0x0f0f_0f0f).or(qh1.lanewise(LSHR, 4 * high).and(0x0303_0303).lanewise(LSHL, 4));
                        p = q.and(0x00ff_00ff).reinterpretAsShorts().mul(xe)
                                .add(q.lanewise(LSHR, 8).and(0x00ff_00ff).reinterpretAsShorts().mul(xo)).reinterpretAsInts();
                        p = p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).sub(xs);
                        isum1 = isum1.add(p.mul(sd.rearrange(CHUNK_SCALES[m])));
                    }
                }
                float dx = a.d[t * nb + b];
                acc = ((FloatVector) isum.add(isum.rearrange(Simd.SWAP_HALVES)).convertShape(I2F, F512, 0))
                        .fma(FloatVector.broadcast(F512, dx * Float.float16ToFloat(row.get(U16, o + 208))), acc);
                acc1 = ((FloatVector) isum1.add(isum1.rearrange(Simd.SWAP_HALVES)).convertShape(I2F, F512, 0))
                        .fma(FloatVector.broadcast(F512, dx * Float.float16ToFloat(row1.get(U16, o + 208))), acc1);
            }
            acc.intoArray(h, 0);
            acc1.intoArray(h, 16);
            out[t * outStride + r] = hsum8(h, 0);
            out[t * outStride + r1] = hsum8(h, 16);
        }
    }

    /**
     * 32 times the sums of activation row t's elements in fours (entry 8m + j: elements 4j..4j+3 of 32-value chunk m),
     * for {@link #rows1}: it multiplies the unsigned 6-bit values q (0..63), whose bytes need no sign extension, and
     * subtracts these to get the sums of (q - 32) * x. Every value is an exact integer: the four-element sums of q * x
     * are at most 4 * 63 * 128 in size, which the 16-bit pair sums and their int total hold.
     */
    private static int[] fourSums32(Activations a, int t) {
        int k = a.k;
        int[] s = new int[k / 4];
        short[] q = a.q;
        for (int i = 0, x = t * k; i < s.length; i++, x += 4) s[i] = 32 * (q[x] + q[x + 1] + q[x + 2] + q[x + 3]);
        return s;
    }

    /**
     * Int lanes 4..7: the second group of a 32-value chunk (elements 16..31). The kernels blend two broadcast vectors
     * with it: the blend of a vector with a scalar (blend(long, mask)) made rows1 4-7 % slower (2048 x 8192, one
     * thread, three interleaved pairs; Q6_K 30.2 -> 29.2 ms per token in Llama-3.2-1B Q4_0 decoding).
     */
    private static final VectorMask<Integer> SECOND_HALF = VectorMask.fromLong(I256, 0xf0);

    /**
     * The super-block's 16 int8 group scales (at o + 192) into sc16, with one vector load: in the large row kernels C2
     * at times left the bounds checks of 16 single-byte reads as calls, which made a whole run of decoding slower.
     */
    private static void scales(MemorySegment w, long o, int[] sc16) {
        ByteVector s8 = ByteVector.fromMemorySegment(B128, w, o + 192, LE);
        s8.convertShape(B2I, I256, 0).reinterpretAsInts().intoArray(sc16, 0);
        s8.convertShape(B2I, I256, 1).reinterpretAsInts().intoArray(sc16, 8);
    }

    /** Like {@link #rows1} for activation rows t .. t+3, each chunk decoded once for the four. */
    @Override
    void rows4(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, int t, float[] out, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.qeo;
        float[] xd = a.d;
        float[] h = new float[32];
        int[] sc16 = new int[16];
        int x0 = t * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        for (int r = rowFrom; r < rowTo; r++) {
            long o = r * rowBytes;
            FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < nb; b++, o += BYTES) {
                scales(w, o, sc16);
                IntVector i0 = IntVector.zero(I256), i1 = i0, i2 = i0, i3 = i0;
                for (int c = 0; c < 8; c++) {
                    int half = c >> 2, quarter = c & 3;
                    IntVector ql = IntVector.fromMemorySegment(I256, w, o + 64 * half + 32 * (quarter & 1), LE);
                    IntVector qh = IntVector.fromMemorySegment(I256, w, o + 128 + 32 * half, LE);
                    ShortVector q = ql.lanewise(LSHR, 4 * (quarter >> 1)).and(0x0f0f_0f0f)
                            .or(qh.lanewise(LSHR, 2 * quarter).and(0x0303_0303).lanewise(LSHL, 4)).lanewise(XOR, 0x2020_2020)
                            .reinterpretAsShorts();
                    ShortVector even = q.lanewise(LSHL, 10).lanewise(ASHR, 10), odd = q.lanewise(LSHL, 2).lanewise(ASHR, 10);
                    IntVector sc = IntVector.broadcast(I256, sc16[2 * c]).blend(IntVector.broadcast(I256, sc16[2 * c + 1]), SECOND_HALF);
                    int e = b * BLOCK + 32 * c;
                    IntVector p0 = even.mul(ShortVector.fromArray(S256, xq, x0 + e)).add(odd.mul(ShortVector.fromArray(S256, xq, x0 + e + 16))).reinterpretAsInts();
                    IntVector p1 = even.mul(ShortVector.fromArray(S256, xq, x1 + e)).add(odd.mul(ShortVector.fromArray(S256, xq, x1 + e + 16))).reinterpretAsInts();
                    IntVector p2 = even.mul(ShortVector.fromArray(S256, xq, x2 + e)).add(odd.mul(ShortVector.fromArray(S256, xq, x2 + e + 16))).reinterpretAsInts();
                    IntVector p3 = even.mul(ShortVector.fromArray(S256, xq, x3 + e)).add(odd.mul(ShortVector.fromArray(S256, xq, x3 + e + 16))).reinterpretAsInts();
                    i0 = i0.add(p0.add(p0.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
                    i1 = i1.add(p1.add(p1.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
                    i2 = i2.add(p2.add(p2.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
                    i3 = i3.add(p3.add(p3.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc));
                }
                float dw = Float.float16ToFloat(w.get(U16, o + 208));
                int bi = t * nb + b;
                acc0 = ((FloatVector) i0.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, xd[bi] * dw), acc0);
                acc1 = ((FloatVector) i1.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, xd[bi + nb] * dw), acc1);
                acc2 = ((FloatVector) i2.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, xd[bi + 2 * nb] * dw), acc2);
                acc3 = ((FloatVector) i3.convertShape(I2F, F256, 0)).fma(FloatVector.broadcast(F256, xd[bi + 3 * nb] * dw), acc3);
            }
            acc0.intoArray(h, 0);
            acc1.intoArray(h, 8);
            acc2.intoArray(h, 16);
            acc3.intoArray(h, 24);
            out[t * outStride + r] = hsum8(h, 0);
            out[(t + 1) * outStride + r] = hsum8(h, 8);
            out[(t + 2) * outStride + r] = hsum8(h, 16);
            out[(t + 3) * outStride + r] = hsum8(h, 24);
        }
    }

    @Override
    boolean floatDecoded() {
        return true;
    }

    @Override
    int decodedSpan() {
        return 8;
    }

    /** Lanes 4..7: the second group's scale in a 32-value chunk (ggml's int lanes 4..7 are elements 16..31). */
    private static final VectorMask<Float> SECOND_GROUP = VectorMask.fromLong(F256, 0xf0);

    /**
     * Batches of {@link DecodedBatch#MIN_ROWS}+ activation rows go through {@link DecodedBatch}, the integer sums in
     * exact float arithmetic (see Activations#qf). ggml's int lane j sums, per 32-value chunk, elements 4j..4j+3 times
     * the chunk's first group scale (j < 4) or second (j >= 4), over the super-block; |lane| <= 8 chunks * 4 * 32 * 128
     * * 127 < 2^24, so every product and partial sum is an exact float. So each value is decoded as (q - 32) times its
     * group scale: the 32 ql and qh bytes of a chunk loaded as int lanes hold elements 4j..4j+3 in lane j; byte m gets
     * the 4 low bits and the 2 high bits with bit 5 flipped, a 6-bit two's complement of q - 32 that two shifts
     * sign-extend. The super-block's d is the row's scale once per 8 blocks.
     */
    @Override
    void decodeFloatRow(MemorySegment w, long offset, int nb, float[] dst, int dstOff, int groupStride, int blockStride,
            float[] scales, int scaleOff) {
        long o = offset;
        for (int b = 0; b < nb / 8; b++, o += BYTES) {
            scales[scaleOff + b] = fp16(w, o + 208);
            for (int c = 0; c < 8; c++) {
                int half = c >> 2, quarter = c & 3, y = dstOff + (8 * b + c) * blockStride;
                IntVector ql = IntVector.fromMemorySegment(I256, w, o + 64 * half + 32 * (quarter & 1), LE);
                IntVector qh = IntVector.fromMemorySegment(I256, w, o + 128 + 32 * half, LE);
                IntVector q = ql.lanewise(LSHR, 4 * (quarter >> 1)).and(0x0f0f_0f0f)
                        .or(qh.lanewise(LSHR, 2 * quarter).and(0x0303_0303).lanewise(LSHL, 4).lanewise(XOR, 0x2020_2020));
                FloatVector sc = FloatVector.broadcast(F256, s8(w, o + 192 + 2 * c)).blend(FloatVector.broadcast(F256, s8(w, o + 193 + 2 * c)), SECOND_GROUP);
                ((FloatVector) q.lanewise(LSHL, 26).lanewise(ASHR, 26).convertShape(I2F, F256, 0)).mul(sc).intoArray(dst, y);
                ((FloatVector) q.lanewise(LSHL, 18).lanewise(ASHR, 26).convertShape(I2F, F256, 0)).mul(sc).intoArray(dst, y + groupStride);
                ((FloatVector) q.lanewise(LSHL, 10).lanewise(ASHR, 26).convertShape(I2F, F256, 0)).mul(sc).intoArray(dst, y + 2 * groupStride);
                ((FloatVector) q.lanewise(LSHL, 2).lanewise(ASHR, 26).convertShape(I2F, F256, 0)).mul(sc).intoArray(dst, y + 3 * groupStride);
            }
        }
    }
}
