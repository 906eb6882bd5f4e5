package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import hearth.engine.TestData;
import hearth.engine.gguf.GgufFile;
import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MatMul over real model tensors, on one and two threads, against a float64 product of the F32 model's weights. */
class MatMulTest {

    /** Relative RMS difference between our product with quantised weights and the exact product with F32 weights. */
    private static double relativeError(Tensor q, Tensor f32, float[] x, int n, int threads) {
        int k = q.rowLength(), rows = q.rows();
        float[] out = new float[n * rows];
        try (WorkerPool pool = new WorkerPool(threads)) {
            MatMul.matMul(pool, q, x, n, out);
        }
        float[] row = new float[k];
        double err = 0, norm = 0;
        for (int r = 0; r < rows; r++) {
            MatMul.dequantizeRow(f32, r, row, 0);
            for (int t = 0; t < n; t++) {
                double exact = 0;
                for (int i = 0; i < k; i++) exact += (double) row[i] * x[t * k + i];
                err += (out[t * rows + r] - exact) * (out[t * rows + r] - exact);
                norm += exact * exact;
            }
        }
        return Math.sqrt(err / norm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q3_K_M", "Q2_K"})
    void quantisedProductsTrackTheF32ModelOnOneAndTwoThreads(String mix) throws IOException {
        try (GgufFile f32 = GgufFile.open(TestData.require("models/stories260K-pad256-F32.gguf"));
             GgufFile quant = GgufFile.open(TestData.require("models/stories260K-pad256-" + mix + ".gguf"))) {
            for (String name : new String[] {"blk.0.ffn_up.weight", "blk.2.ffn_down.weight", "blk.1.attn_output.weight", "output.weight"}) {
                Tensor q = quant.tensor(name);
                double bound = switch (q.type()) {
                    case Q8_0 -> 0.02;
                    case Q6_K, Q5_K, Q5_0, Q5_1 -> 0.08;
                    case Q4_0, Q4_K, IQ4_NL -> 0.15;
                    default -> 0.5;
                };
                for (int threads : new int[] {1, 2}) {
                    for (int n : new int[] {1, 5}) {
                        double rel = relativeError(q, f32.tensor(name), OpsTestData.gaussianRows(n, q.rowLength(), n), n, threads);
                        assertThat(rel).as("%s %s (%s) n=%d threads=%d", mix, name, q.type(), n, threads).isLessThan(bound);
                    }
                }
            }
        }
    }

    @Test
    void twoThreadsGiveTheSameNumbersAsOne() throws IOException {
        try (GgufFile quant = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_K_M.gguf"))) {
            Tensor w = quant.tensor("output.weight");
            float[] x = OpsTestData.gaussianRows(7, w.rowLength(), 3);
            float[] one = new float[7 * w.rows()], two = new float[7 * w.rows()];
            try (WorkerPool p1 = new WorkerPool(1); WorkerPool p2 = new WorkerPool(2)) {
                MatMul.matMul(p1, w, x, 7, one);
                MatMul.matMul(p2, w, x, 7, two);
            }
            assertThat(two).containsExactly(one);
        }
    }

    @Test
    void f16WeightsUseFp16RoundedActivations() {
        // one row [1, 1]; x = [1 + 2^-11, 0] rounds to 1 in fp16, so the product is exactly 1
        MemorySegment data = MemorySegment.ofArray(new short[] {Float.floatToFloat16(1f), Float.floatToFloat16(1f)});
        Tensor w = new Tensor("w", GgmlType.F16, new long[] {2, 1}, data);
        float[] out = new float[1];
        try (WorkerPool pool = new WorkerPool(1)) {
            MatMul.matVec(pool, w, new float[] {1 + 0x1p-11f, 0}, out);
        }
        assertThat(out[0]).isEqualTo(1f);
    }

    @Test
    void matVecOfTheF32ModelIsAPlainDotProduct() throws IOException {
        try (GgufFile f32 = GgufFile.open(TestData.require("models/stories260K-pad256-F32.gguf"))) {
            Tensor w = f32.tensor("blk.0.attn_q.weight");
            float[] x = OpsTestData.gaussianRows(1, w.rowLength(), 9), out = new float[w.rows()], row = new float[w.rowLength()];
            try (WorkerPool pool = new WorkerPool(2)) {
                MatMul.matVec(pool, w, x, out);
            }
            for (int r = 0; r < w.rows(); r++) {
                MatMul.dequantizeRow(w, r, row, 0);
                double exact = 0, mag = 0;
                for (int i = 0; i < row.length; i++) {
                    exact += (double) row[i] * x[i];
                    mag += Math.abs((double) row[i] * x[i]);
                }
                assertThat((double) out[r]).isCloseTo(exact, within(1e-6 * mag + 1e-12));
            }
        }
    }

    @Test
    void unsupportedTypesAndShortBuffersAreRejectedWithTheirNames() {
        Tensor w = new Tensor("blk.0.weird", GgmlType.IQ2_XXS, new long[] {256, 1}, MemorySegment.ofArray(new byte[66]));
        assertThat(MatMul.supports(GgmlType.IQ2_XXS)).isFalse();
        assertThat(MatMul.supports(GgmlType.Q4_K)).isTrue();
        try (WorkerPool pool = new WorkerPool(1)) {
            assertThatThrownBy(() -> MatMul.matVec(pool, w, new float[256], new float[1])).hasMessageContaining("IQ2_XXS");
            Tensor f = new Tensor("f", GgmlType.F32, new long[] {4, 2}, MemorySegment.ofArray(new float[8]));
            assertThatThrownBy(() -> MatMul.matVec(pool, f, new float[3], new float[2])).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
