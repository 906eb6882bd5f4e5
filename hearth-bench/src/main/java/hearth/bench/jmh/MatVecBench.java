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
 * Decode-style mat-vec (one activation row) per weight type and shape. Weight bytes per op / time = GB/s.
 * Shapes are "KxROWS": 576x1536 is SmolLM2-135M's ffn_up, 2048x8192 Llama-3.2-1B's. K-quants need K % 256 == 0.
 * Run: java -jar hearth-bench/target/benchmarks.jar MatVecBench -f 1 -wi 2 -i 3 -p type=Q8_0,Q4_0
 * {@link #matVecScalar} runs the scalar reference kernels (-Dhearth.simd=false) for the vector/scalar ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatVecBench {
    @Param({"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL", "F16", "BF16", "F32"})
    public String type;

    @Param({"576x1536", "2048x8192"})
    public String shape;

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
        x = SyntheticWeights.activations(1, w.rowLength(), 7);
        out = new float[w.rows()];
        pool = new WorkerPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] matVec() {
        MatMul.matVec(pool, w, x, out);
        return out;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dhearth.simd=false"})
    public float[] matVecScalar() {
        MatMul.matVec(pool, w, x, out);
        return out;
    }
}
