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
 * Q4_0 mat-mul (ggml's repacked path) with the 8-row interleaved copy ({@link #interleaved}, 512-bit machines) and
 * without it ({@link #rowKernels}: -Dhearth.q4_0.repack=false), in one run for the ratio. n = 1 is decode.
 * Run: java -jar hearth-bench/target/benchmarks.jar Q4_0Bench -wi 3 -i 5
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Q4_0Bench {
    @Param({"576x1536", "2048x8192"})
    public String shape;

    @Param({"1", "16"})
    public int n;

    private Arena arena;
    private Tensor w;
    private float[] x;
    private float[] out;
    private WorkerPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        w = SyntheticWeights.tensor(arena, GgmlType.Q4_0, shape, 42);
        x = SyntheticWeights.activations(n, w.rowLength(), 7);
        out = new float[n * w.rows()];
        pool = new WorkerPool(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
    public float[] interleaved() {
        MatMul.matMul(pool, w, x, n, out);
        return out;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dhearth.q4_0.repack=false"})
    public float[] rowKernels() {
        MatMul.matMul(pool, w, x, n, out);
        return out;
    }
}
