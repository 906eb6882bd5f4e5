package hearth.engine.quant;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Seeded random weight rows for any supported type: random bytes with sane fp16 scale fields. */
final class RandomWeights {
    private RandomWeights() {}

    static final GgmlType[] TYPES = {
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
        GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Byte offsets of the fp16 scale/min fields inside one block of {@code type}. */
    static int[] halfFields(GgmlType type) {
        return switch (type) {
            case Q8_0, Q4_0, Q5_0, IQ4_NL -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> new int[0];
        };
    }

    /** A heap segment of {@code rows} rows of {@code k} values of {@code type}. */
    static MemorySegment rows(GgmlType type, int rows, int k, long seed) {
        Random rnd = new Random(seed);
        long bytes = type.bytesFor((long) rows * k);
        MemorySegment s = MemorySegment.ofArray(new byte[Math.toIntExact(bytes)]);
        switch (type) {
            case F32 -> { for (long i = 0; i < bytes / 4; i++) s.set(F32, 4 * i, (float) rnd.nextGaussian()); }
            case F16 -> { for (long i = 0; i < bytes / 2; i++) s.set(U16, 2 * i, Float.floatToFloat16((float) rnd.nextGaussian())); }
            case BF16 -> { for (long i = 0; i < bytes / 2; i++) s.set(U16, 2 * i, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16)); }
            default -> {
                byte[] raw = new byte[Math.toIntExact(bytes)];
                rnd.nextBytes(raw);
                MemorySegment.copy(MemorySegment.ofArray(raw), 0, s, 0, bytes);
                for (long b = 0; b < bytes / type.typeSize; b++) {
                    for (int f : halfFields(type)) {
                        float v = (rnd.nextBoolean() ? 1 : -1) * (0.001f + 0.02f * rnd.nextFloat());
                        s.set(U16, b * type.typeSize + f, Float.floatToFloat16(v));
                    }
                }
            }
        }
        return s;
    }

    /** n rows of k activations: mostly unit Gaussian with a few larger outliers, like real hidden states. */
    static float[] activations(int n, int k, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * k];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * (rnd.nextInt(50) == 0 ? 8 : 1));
        return x;
    }
}
