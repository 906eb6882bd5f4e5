package hearth.engine.quant;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Dequantisation and dot products for one ggml tensor type. Weights are rows of {@code k} elements stored back to
 * back in a little-endian {@link MemorySegment} (usually a memory-mapped GGUF file); row r starts at
 * {@code r * rowBytes}. Activations are first converted to {@link #activationFormat()} (see {@link Activations}).
 *
 * <p>{@link #dequantizeRow} and {@link #dotReference} are plain scalar code that defines the format and ggml's dot
 * product (integer block sums times the block scales); the vector kernels must agree with them up to float
 * summation order.
 */
public interface QuantKernel {
    GgmlType type();

    /** The format activations are converted to before {@link #dot}/{@link #matMul} (ggml's vec_dot_type). */
    ActivationFormat activationFormat();

    /**
     * Which of {@link Activations}' reordered copies {@link #matMul} reads for n activation rows on ggml's
     * {@code path} (a bit set of {@link Activations#QG}, {@link Activations#QEO}, {@link Activations#QF},
     * {@link Activations#QF2}, {@link Activations#X16}); the others are not filled. By default the three that kernels
     * without their own choice may read (not the 512-bit pairs, not the groups of sixteen).
     */
    default int activationLayouts(int n, GgmlPath path) {
        return Activations.QG | Activations.QEO | Activations.QF;
    }

    /** Writes the k values of the row at byte {@code offset} to dst[dstOffset ..]. */
    void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset);

    /** Scalar reference: row at {@code offset} (k = a.rowLength()) times activation row {@code t}. */
    float dotReference(MemorySegment w, long offset, Activations a, int t);

    /** Fast dot product of the row at {@code offset} with activation row {@code t}. */
    default float dot(MemorySegment w, long offset, Activations a, int t) {
        return dotReference(w, offset, a, t);
    }

    /**
     * out[t * outStride + r] = row r · activation row t, for rows [rowFrom, rowTo) and all activation rows. Kernels
     * override this to read each weight block once for several activation rows.
     */
    default void matMul(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        for (int r = rowFrom; r < rowTo; r++) {
            long off = r * rowBytes;
            for (int t = 0; t < a.n; t++) out[t * outStride + r] = dot(w, off, a, t);
        }
    }
}
