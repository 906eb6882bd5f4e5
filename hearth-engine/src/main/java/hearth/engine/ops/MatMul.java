package hearth.engine.ops;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Weight matrix times activations. A weight tensor has {@code rows} rows of {@code k = rowLength} elements;
 * activations are row-major float arrays of {@code n} rows of k floats; outputs are n rows of {@code rows} floats.
 * (Placeholder scalar implementation for F32/F16; the quant kernels replace it.)
 */
public final class MatMul {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MatMul() {}

    /** out[r] = w[r] · x for every row r. */
    public static void matVec(WorkerPool pool, Tensor w, float[] x, float[] out) {
        matMul(pool, w, x, 1, out);
    }

    /** out[t * rows + r] = w[r] · x[t * k ..] for t in [0, n). */
    public static void matMul(WorkerPool pool, Tensor w, float[] x, int n, float[] out) {
        int k = w.rowLength();
        int rows = w.rows();
        pool.parallelFor(rows, 16, (from, to) -> {
            float[] row = new float[k];
            for (int r = from; r < to; r++) {
                dequantizeRow(w, r, row, 0);
                for (int t = 0; t < n; t++) {
                    float s = 0;
                    for (int i = 0; i < k; i++) s += row[i] * x[t * k + i];
                    out[t * rows + r] = s;
                }
            }
        });
    }

    /** Writes row {@code row} of {@code w} as floats to dst[dstOffset ..]. */
    public static void dequantizeRow(Tensor w, int row, float[] dst, int dstOffset) {
        int k = w.rowLength();
        MemorySegment d = w.data();
        long base = row * w.rowBytes();
        switch (w.type()) {
            case F32 -> MemorySegment.copy(d, F32, base, dst, dstOffset, k);
            case F16 -> { for (int i = 0; i < k; i++) dst[dstOffset + i] = Float.float16ToFloat(d.get(F16, base + 2L * i)); }
            default -> throw new UnsupportedOperationException("tensor " + w.name() + ": type " + w.type() + " not supported yet");
        }
    }

    public static boolean supports(GgmlType t) {
        return t == GgmlType.F32 || t == GgmlType.F16;
    }
}
