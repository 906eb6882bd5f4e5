package hearth.engine.ops;

import hearth.engine.quant.ActivationFormat;
import hearth.engine.quant.Activations;
import hearth.engine.quant.GgmlPath;
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

    /** Below this many multiply-adds a call runs on the calling thread only (waking workers costs more). */
    private static final long PARALLEL_MIN_WORK = 64 * 1024;

    /** out[r] = w[r] · x for every row r. */
    public static void matVec(WorkerPool pool, Tensor w, float[] x, float[] out) {
        matMul(pool, w, x, 1, out);
    }

    /** out[t * rows + r] = w[r] · x[t * k ..] for t in [0, n). */
    public static void matMul(WorkerPool pool, Tensor w, float[] x, int n, float[] out) {
        matMuls(pool, x, n, new Tensor[] {w}, new float[][] {out});
    }

    /**
     * Several weight matrices of the same row length times the same n activation rows, in one parallel section:
     * outs[i][t * rows_i + r] = ws[i][r] · x[t * k ..]. The activations are converted once for all matrices that share
     * a kernel and a ggml path (q, k and v of a batch; gate and up), and the section's chunks cover every matrix's
     * rows, so the threads hand off once instead of once per matrix. One activation row goes through
     * {@link #matVecs}. Every output is the same kernel dot product however the rows are split.
     */
    public static void matMuls(WorkerPool pool, float[] x, int n, Tensor[] ws, float[][] outs) {
        matMuls(pool, x, n, ws, outs, null);
    }

    /**
     * {@link #matMuls(WorkerPool, float[], int, Tensor[], float[][])}; with {@code then}, all matrices have the same
     * rows, a chunk computes rows [from, to) of every one of them for all n activation rows and then calls
     * {@code then.run(from, to)} (gate and up, then SwiGLU on those rows: no serial pass after the section).
     */
    public static void matMuls(WorkerPool pool, float[] x, int n, Tensor[] ws, float[][] outs, RowsDone then) {
        MatMulProfile profile = MatMulProfile.active();
        if (profile == null) {
            section(pool, x, n, ws, outs, then);
            return;
        }
        long started = System.nanoTime();
        section(pool, x, n, ws, outs, then);
        profile.record(ws, System.nanoTime() - started);
    }

    private static void section(WorkerPool pool, float[] x, int n, Tensor[] ws, float[][] outs, RowsDone then) {
        int m = ws.length;
        int k = ws[0].rowLength();
        if (x.length < (long) n * k) throw new IllegalArgumentException("x has " + x.length + " floats, need " + n + " x " + k);
        if (n == 1) { // vectors checks the matrices itself
            vectors(pool, x, ws, outs, then);
            return;
        }
        long work = checkedWork(ws, outs, n, then != null);
        boolean parallel = pool.threads() > 1 && work >= PARALLEL_MIN_WORK;
        Activations[] acts = activations(pool, ws, x, n, parallel);
        if (!parallel) {
            for (int i = 0; i < m; i++) rows(ws[i], acts[i], 0, ws[i].rows(), outs[i]);
            if (then != null) then.run(0, ws[0].rows());
            return;
        }
        if (then != null) { // one row space, split alike in every matrix by the coarsest unit of them
            int rows = ws[0].rows();
            int unit = sharedUnit(ws);
            pool.run(chunkCount(rows, pool.threads()), (c, cs) -> {
                int from = chunkStart(rows, unit, c, cs), to = chunkStart(rows, unit, c + 1, cs);
                for (int i = 0; i < m; i++) rows(ws[i], acts[i], from, to, outs[i]);
                if (from < to) then.run(from, to);
            });
            return;
        }
        // chunks of matrix i: [first[i], first[i + 1]); whole groups of 8 rows where rows allow (Q4_0's interleaved
        // kernels then split none)
        int[] first = new int[m + 1];
        for (int i = 0; i < m; i++) first[i + 1] = first[i] + chunkCount(ws[i].rows(), pool.threads());
        pool.run(first[m], (c, cs) -> {
            int i = 0;
            while (c >= first[i + 1]) i++;
            Tensor w = ws[i];
            int rows = w.rows(), unit = unit(w), chunks = first[i + 1] - first[i], j = c - first[i];
            rows(w, acts[i], chunkStart(rows, unit, j, chunks), chunkStart(rows, unit, j + 1, chunks), outs[i]);
        });
    }

    /**
     * Where chunk j of {@code chunks} starts when [0, rows) is split evenly in whole units ({@code j == chunks}: rows,
     * so the last chunk takes the rows past the last whole unit).
     */
    private static int chunkStart(int rows, int unit, int j, int chunks) {
        return j == chunks ? rows : (int) ((long) (rows / unit) * j / chunks) * unit;
    }

    /**
     * Checks that all matrices have the row length of the first (and, with {@code sameRows}, its row count) and that
     * every output holds n rows of its matrix; returns the multiply-adds of the call.
     */
    private static long checkedWork(Tensor[] ws, float[][] outs, int n, boolean sameRows) {
        int k = ws[0].rowLength();
        long work = 0;
        for (int i = 0; i < ws.length; i++) {
            Tensor w = ws[i];
            if (w.rowLength() != k) throw new IllegalArgumentException("row lengths differ: " + k + ", " + w.rowLength());
            if (sameRows && w.rows() != ws[0].rows()) throw new IllegalArgumentException("row counts differ");
            if (outs[i].length < (long) n * w.rows()) throw new IllegalArgumentException("out has " + outs[i].length + " floats, need " + n + " x " + w.rows());
            work += (long) w.rows() * k * n;
        }
        return work;
    }

    /** The coarsest {@link #unit} of the matrices: splitting by it splits none of them inside a unit. */
    private static int sharedUnit(Tensor[] ws) {
        int unit = 1;
        for (Tensor w : ws) unit = Math.max(unit, unit(w));
        return unit;
    }

    /**
     * The n converted activation rows for each matrix; matrices with the same kernel and ggml path share one. With
     * {@code parallel}, conversion of large batches is split over the pool.
     */
    private static Activations[] activations(WorkerPool pool, Tensor[] ws, float[] x, int n, boolean parallel) {
        Activations[] scratch = SCRATCH.get();
        Activations[] acts = new Activations[ws.length];
        GgmlPath[] paths = new GgmlPath[ws.length];
        int used = 0;
        for (int i = 0; i < ws.length; i++) {
            Tensor w = ws[i];
            QuantKernel kernel = Kernels.forType(w.type());
            GgmlPath path = paths[i] = Kernels.path(w.type(), w.rows(), w.rowLength(), n);
            for (int j = 0; j < i && acts[i] == null; j++) {
                if (Kernels.forType(ws[j].type()) == kernel && paths[j] == path) acts[i] = acts[j];
            }
            if (acts[i] != null) continue;
            if (used == scratch.length) {
                scratch = java.util.Arrays.copyOf(scratch, used + 1);
                scratch[used] = new Activations();
                SCRATCH.set(scratch);
            }
            Activations a = acts[i] = scratch[used++].prepare(kernel.activationFormat(), n, w.rowLength(), kernel.activationLayouts(n, path)).path(path);
            if (parallel && (long) n * w.rowLength() >= PARALLEL_CONVERSION_MIN) {
                pool.run(pool.threads(), (c, cs) -> a.convertRows(x, n * c / cs, n * (c + 1) / cs));
            } else {
                a.convertRows(x, 0, n);
            }
        }
        return acts;
    }

    /**
     * Fewest activation values whose conversion is split over the pool: a section's hand-off costs about as much as
     * converting a few thousand values, and a decode step of four sequences converts 121 times (SmolLM2).
     */
    private static final long PARALLEL_CONVERSION_MIN = 16 * 1024;

    /** Per calling thread: converted activation rows of the current call, one per distinct kernel (reused, they grow). */
    private static final ThreadLocal<Activations[]> SCRATCH = ThreadLocal.withInitial(() -> new Activations[] {new Activations()});

    /** Work done on the rows [from, to) of a {@link #matVecs} call right after they were computed (same chunk). */
    @FunctionalInterface
    public interface RowsDone {
        void run(int from, int to);
    }

    /**
     * One activation row (decode) times several weight matrices of the same row length, in one parallel section:
     * outs[i][r] = ws[i][r] · x. With {@code then == null} the matrices' rows form one range that the chunks split
     * (q, k and v: the small k and v add no hand-offs of their own). With {@code then}, all matrices have the same
     * rows and a chunk computes rows [from, to) of every one of them, then calls {@code then.run(from, to)} (gate and
     * up, then SwiGLU on those rows). Every output is one kernel call's dot product, whichever thread computes it.
     */
    public static void matVecs(WorkerPool pool, float[] x, Tensor[] ws, float[][] outs, RowsDone then) {
        matMuls(pool, x, 1, ws, outs, then);
    }

    private static void vectors(WorkerPool pool, float[] x, Tensor[] ws, float[][] outs, RowsDone then) {
        int m = ws.length;
        long work = checkedWork(ws, outs, 1, then != null);
        Activations[] acts = activations(pool, ws, x, 1, false);
        int[] base = new int[m + 1];  // row space: matrix i holds [base[i], base[i + 1]), or all of them [0, rows)
        for (int i = 0; i < m; i++) base[i + 1] = then != null ? ws[0].rows() : base[i] + ws[i].rows();
        int space = base[m];
        if (pool.threads() == 1 || work < PARALLEL_MIN_WORK) {
            for (int i = 0; i < m; i++) rows(ws[i], acts[i], 0, ws[i].rows(), outs[i]);
            if (then != null) then.run(0, space);
            return;
        }
        int[] bounds = shrinkingChunks(space, pool.threads(), then != null ? MIN_CHUNK_ROWS / m : MIN_CHUNK_ROWS);
        int unit = sharedUnit(ws); // with then: rows are split alike in every matrix, so by the coarsest unit of them
        pool.run(bounds.length - 1, (c, cs) -> {
            int from = bounds[c], to = bounds[c + 1];
            if (then != null) {
                int f = from / unit * unit, t = to == space ? to : to / unit * unit;
                for (int i = 0; i < m; i++) rows(ws[i], acts[i], f, t, outs[i]);
                if (f < t) then.run(f, t);
                return;
            }
            for (int i = 0; i < m; i++) {
                if (to <= base[i] || from >= base[i + 1]) continue;
                int u = unit(ws[i]), rowsI = ws[i].rows();
                int f = Math.max(from - base[i], 0) / u * u;
                int t = Math.min(to - base[i], rowsI);
                rows(ws[i], acts[i], f, t == rowsI ? t : t / u * u, outs[i]);
            }
        });
    }

    /** Fewest rows a decode chunk gets: a few microseconds of work, so the two threads run out of work together. */
    private static final int MIN_CHUNK_ROWS = 32;

    /**
     * Chunk boundaries over [0, space) for one activation row, by factoring: rounds of one chunk per thread, each chunk
     * half of what is left divided by the threads (at least {@code minRows}). The chunks shrink geometrically, so the
     * last ones are short and the threads finish a section microseconds apart: a worker is then still polling (not
     * parked) when the next section starts. Few chunks in all (every one costs a kernel call's setup, e.g. Q4_0's
     * activation expansion); chunks are claimed in order, so a thread that started late just claims fewer.
     */
    static int[] shrinkingChunks(int space, int threads, int minRows) {
        int[] b = new int[64];
        int n = 0, at = 0;
        b[n++] = 0;
        while (at < space) {
            int size = Math.max(Math.max(1, minRows), (space - at + 2 * threads - 1) / (2 * threads));
            for (int c = 0; c < threads && at < space; c++) {
                at = Math.min(space, at + size);
                if (n == b.length) b = java.util.Arrays.copyOf(b, n * 2);
                b[n++] = at;
            }
        }
        return java.util.Arrays.copyOf(b, n);
    }

    /** Rows per indivisible piece of w: 8 where its rows allow (kernels that interleave 8 rows, Q4_0, split none). */
    private static int unit(Tensor w) {
        return w.rows() % 8 == 0 ? 8 : 1;
    }

    private static void rows(Tensor w, Activations a, int from, int to, float[] out) {
        if (from < to) Kernels.forType(w.type()).matMul(w.data(), w.rowBytes(), from, to, a, out, w.rows());
    }

    /**
     * Batches (n >= 2 activation rows; one row goes through {@link #matVecs}): enough chunks that threads finishing
     * early can pick up work (the machine is shared), few enough that each chunk amortises the hand-off; chunks of
     * few rows keep the weights of one chunk in cache while all activation rows pass over them.
     */
    static int chunkCount(int rows, int threads) {
        return Math.max(1, Math.min(threads * 8, rows / 8));
    }

    /** Writes row {@code row} of {@code w} as floats to dst[dstOffset ..]. */
    public static void dequantizeRow(Tensor w, int row, float[] dst, int dstOffset) {
        Kernels.forType(w.type()).dequantizeRow(w.data(), row * w.rowBytes(), w.rowLength(), dst, dstOffset);
    }

    public static boolean supports(GgmlType t) {
        return Kernels.supports(t);
    }
}
