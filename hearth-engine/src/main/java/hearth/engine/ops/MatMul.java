package hearth.engine.ops;

import hearth.engine.quant.ActivationFormat;
import hearth.engine.quant.Activations;
import hearth.engine.quant.Kernels;
import hearth.engine.quant.QuantKernel;
import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;

/**
 * Weight matrix times activations. A weight tensor has {@code rows} rows of {@code k = rowLength} elements;
 * activations are row-major float arrays of {@code n} rows of k floats; outputs are n rows of {@code rows} floats.
 *
 * <p>Like ggml's CPU backend, the activations are first converted once per call to the weight type's
 * {@link ActivationFormat} (e.g. Q8_0 blocks for Q4_0 weights), then every output is an integer block dot product
 * scaled by the block scales. Rows of w are split over the {@link WorkerPool}.
 */
public final class MatMul {
    private MatMul() {}

    /** Per calling thread: the converted activations of the current call (reused, grows as needed). */
    private static final ThreadLocal<Activations> SCRATCH = ThreadLocal.withInitial(Activations::new);

    /** Below this many multiply-adds a call runs on the calling thread only (waking workers costs more). */
    private static final long PARALLEL_MIN_WORK = 64 * 1024;

    /** out[r] = w[r] · x for every row r. */
    public static void matVec(WorkerPool pool, Tensor w, float[] x, float[] out) {
        matMul(pool, w, x, 1, out);
    }

    /** out[t * rows + r] = w[r] · x[t * k ..] for t in [0, n). */
    public static void matMul(WorkerPool pool, Tensor w, float[] x, int n, float[] out) {
        int k = w.rowLength();
        int rows = w.rows();
        if (x.length < (long) n * k) throw new IllegalArgumentException("x has " + x.length + " floats, need " + n + " x " + k);
        if (out.length < (long) n * rows) throw new IllegalArgumentException("out has " + out.length + " floats, need " + n + " x " + rows);
        QuantKernel kernel = Kernels.forType(w.type());
        Activations a = SCRATCH.get().prepare(kernel.activationFormat(), n, k, kernel.activationLayouts(n)).path(Kernels.path(w.type(), rows, k, n));
        long work = (long) rows * k * n;
        boolean parallel = pool.threads() > 1 && work >= PARALLEL_MIN_WORK;
        if (parallel && n >= 2 * pool.threads()) {
            pool.run(pool.threads(), (c, cs) -> a.convertRows(x, n * c / cs, n * (c + 1) / cs));
        } else {
            a.convertRows(x, 0, n);
        }
        long rowBytes = w.rowBytes();
        if (!parallel) {
            kernel.matMul(w.data(), rowBytes, 0, rows, a, out, rows);
            return;
        }
        int chunks = chunkCount(rows, n, pool.threads());
        // whole groups of 8 rows per chunk where rows allow: kernels that interleave 8 rows (Q4_0) then split none
        int unit = rows % 8 == 0 ? 8 : 1;
        pool.run(chunks, (c, cs) -> {
            int from = (int) ((long) (rows / unit) * c / cs) * unit, to = (int) ((long) (rows / unit) * (c + 1) / cs) * unit;
            kernel.matMul(w.data(), rowBytes, from, to, a, out, rows);
        });
    }

    /**
     * Enough chunks that threads finishing early can pick up work (the machine is shared), few enough that each
     * chunk amortises the hand-off; for batches, chunks of few rows keep the weights of one chunk in cache while
     * all activation rows pass over them.
     */
    static int chunkCount(int rows, int n, int threads) {
        int minRows = n == 1 ? 32 : 8;
        int chunks = threads * (n == 1 ? 4 : 8);
        return Math.max(1, Math.min(chunks, rows / minRows));
    }

    /** Writes row {@code row} of {@code w} as floats to dst[dstOffset ..]. */
    public static void dequantizeRow(Tensor w, int row, float[] dst, int dstOffset) {
        Kernels.forType(w.type()).dequantizeRow(w.data(), row * w.rowBytes(), w.rowLength(), dst, dstOffset);
    }

    public static boolean supports(GgmlType t) {
        return Kernels.supports(t);
    }
}
