package hearth.engine.kv;

import static hearth.engine.kv.KvCacheType.Q8_BLOCK;
import static hearth.engine.kv.KvCacheType.Q8_BLOCK_BYTES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows in ggml's Q8_0 layout inside a memory segment: a row of n values is ceil(n/32) blocks of {fp16 scale d, 32 int8
 * q}, value = q × d. Quantising rounds like ggml's x86 {@code quantize_row_q8_0} (what llama.cpp's CPU backend runs when
 * it copies K/V into a q8_0 cache): d = amax / 127, q = round-half-even(x × 127 / amax).
 */
final class Q8Rows {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
    // 8 bytes widen to 8 floats; used where the CPU has 256-bit float vectors (AVX2 and up)
    private static final boolean VECTOR8 = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    private Q8Rows() {}

    /** Quantises src[off .. off+n) into the row starting at byte {@code base}; a partial last block is zero-padded. */
    static void write(MemorySegment seg, long base, float[] src, int off, int n) {
        for (int b = 0; b * Q8_BLOCK < n; b++) {
            int from = off + b * Q8_BLOCK;
            int count = Math.min(Q8_BLOCK, n - b * Q8_BLOCK);
            float amax = 0;
            for (int j = 0; j < count; j++) amax = Math.max(amax, Math.abs(src[from + j]));
            float id = amax != 0 ? 127f / amax : 0f;
            long bb = base + (long) b * Q8_BLOCK_BYTES;
            seg.set(F16, bb, Float.floatToFloat16(amax / 127f));
            for (int j = 0; j < Q8_BLOCK; j++) {
                byte q = j < count ? (byte) (int) Math.rint(src[from + j] * id) : 0;
                seg.set(I8, bb + 2 + j, q);
            }
        }
    }

    /** Dequantises values [off, off+n) of the row starting at byte {@code base} into dst[dstOff ..]. */
    static void read(MemorySegment seg, long base, int off, float[] dst, int dstOff, int n) {
        int i = off;
        int end = off + n;
        int o = dstOff;
        while (i < end) {
            int j = i % Q8_BLOCK;
            int count = Math.min(end - i, Q8_BLOCK - j);
            long bb = base + (long) (i / Q8_BLOCK) * Q8_BLOCK_BYTES;
            float d = Float.float16ToFloat(seg.get(F16, bb));
            long q = bb + 2 + j;
            int k = 0;
            if (VECTOR8) {
                FloatVector dv = FloatVector.broadcast(F8, d);
                for (; k + 8 <= count; k += 8) {
                    ByteVector qv = ByteVector.fromMemorySegment(B8, seg, q + k, java.nio.ByteOrder.LITTLE_ENDIAN);
                    ((FloatVector) qv.convertShape(VectorOperators.B2F, F8, 0)).mul(dv).intoArray(dst, o + k);
                }
            }
            for (; k < count; k++) dst[o + k] = seg.get(I8, q + k) * d;
            i += count;
            o += count;
        }
    }
}
