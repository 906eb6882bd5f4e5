package hearth.engine.ops;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random inputs for the mat-mul tests. */
final class OpsTestData {
    private OpsTestData() {}

    /** n activation rows of k standard-normal floats. */
    static float[] gaussianRows(int n, int k, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * k];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** A weight matrix of random Q8_0 quants with small scales, any row count. */
    static Tensor randomQ8_0(int rows, int k, long seed) {
        Random rnd = new Random(seed);
        int blocks = rows * (k / 32);
        byte[] bytes = new byte[blocks * 34];
        rnd.nextBytes(bytes);
        for (int b = 0; b < blocks; b++) {
            short d = Float.floatToFloat16((float) (0.001 + rnd.nextDouble() * 0.01));
            bytes[b * 34] = (byte) d;
            bytes[b * 34 + 1] = (byte) (d >> 8);
        }
        return new Tensor("random-q8_0-" + rows, GgmlType.Q8_0, new long[] {k, rows}, MemorySegment.ofArray(bytes));
    }

    /** A weight matrix of standard-normal F32 values. */
    static Tensor randomF32(int rows, int k, long seed) {
        return new Tensor("random-f32-" + rows, GgmlType.F32, new long[] {k, rows}, MemorySegment.ofArray(gaussianRows(rows, k, seed)));
    }
}
