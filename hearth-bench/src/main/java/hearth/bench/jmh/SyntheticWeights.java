package hearth.bench.jmh;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Random weight tensors of any supported type, off-heap like a memory-mapped model (random quants, sane scales). */
final class SyntheticWeights {
    private SyntheticWeights() {}

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Byte offsets of the fp16 scale fields of one block. */
    private static int[] halfFields(GgmlType type) {
        return switch (type) {
            case Q8_0, Q4_0, Q5_0, IQ4_NL -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> new int[0];
        };
    }

    /** A k x rows tensor ("576x1536": rows of 576 values, 1536 rows). */
    static Tensor tensor(Arena arena, GgmlType type, String shape, long seed) {
        String[] kr = shape.split("x");
        int k = Integer.parseInt(kr[0]), rows = Integer.parseInt(kr[1]);
        long bytes = type.bytesFor((long) k * rows);
        MemorySegment s = arena.allocate(bytes, 64);
        Random rnd = new Random(seed);
        byte[] chunk = new byte[1 << 16];
        for (long off = 0; off < bytes; off += chunk.length) {
            rnd.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, bytes - off);
            MemorySegment.copy(MemorySegment.ofArray(chunk), 0, s, off, n);
        }
        switch (type) {
            case F16 -> { for (long i = 0; i < bytes / 2; i++) s.set(U16, 2 * i, Float.floatToFloat16((float) rnd.nextGaussian())); }
            case BF16 -> { for (long i = 0; i < bytes / 2; i++) s.set(U16, 2 * i, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16)); }
            case F32 -> { for (long i = 0; i < bytes / 4; i++) s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i, (float) rnd.nextGaussian()); }
            default -> {
                for (long b = 0; b < bytes / type.typeSize; b++) {
                    for (int f : halfFields(type)) s.set(U16, b * type.typeSize + f, Float.floatToFloat16(0.001f + 0.01f * rnd.nextFloat()));
                }
            }
        }
        return new Tensor("synthetic", type, new long[] {k, rows}, s);
    }

    static float[] activations(int n, int k, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * k];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
