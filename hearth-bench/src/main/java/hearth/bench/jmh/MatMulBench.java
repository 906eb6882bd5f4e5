package hearth.bench.jmh;

import hearth.engine.ops.MatMul;
import hearth.engine.ops.WorkerPool;
import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Prefill-style mat-mul: n activation rows against one weight matrix (weights read once per 4 rows).
 * Multiply-adds per op = K * ROWS * n. Run: java -jar hearth-bench/target/benchmarks.jar MatMulBench -f 1 -wi 2 -i 3
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatMulBench {
    @Param({"Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K"})
    public String type;

    @Param({"576x1536"})
    public String shape;

    @Param({"128"})
    public int n;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private Tensor w;
    private float[] x;
    private float[] out;
    private WorkerPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        w = SyntheticWeights.tensor(arena, GgmlType.valueOf(type), shape, 42);
        x = SyntheticWeights.activations(n, w.rowLength(), 7);
        out = new float[n * w.rows()];
        pool = new WorkerPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] matMul() {
        MatMul.matMul(pool, w, x, n, out);
        return out;
    }
}
