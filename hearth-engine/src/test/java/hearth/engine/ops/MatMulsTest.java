package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.gguf.GgufFile;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several batched mat-muls over the same activation rows in one parallel section (q/k/v, gate/up of a prefill chunk
 * or of a decode step for several sequences) give exactly the numbers of one single-threaded call per matrix.
 */
class MatMulsTest {

    @ParameterizedTest(name = "{0} threads, {1} activation rows")
    @CsvSource({"2, 2", "2, 4", "2, 5", "3, 7", "2, 9", "3, 20", "2, 64"})
    void matricesSharingActivationRowsMatchSeparateSingleThreadedCalls(int threads, int n) throws IOException {
        try (GgufFile q4km = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_K_M.gguf"));
                GgufFile q40 = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_0.gguf"))) {
            // mixed kernels (two Q8_0 matrices share one conversion), Q4_0's eight-row unit, and odd row counts
            Tensor[] ws = {q40.tensor("blk.0.attn_q.weight"), OpsTestData.randomQ8_0(301, 256, 5), q4km.tensor("blk.0.attn_k.weight"),
                    OpsTestData.randomQ8_0(77, 256, 9), q4km.tensor("blk.0.attn_v.weight"), q40.tensor("output.weight")};
            float[] x = OpsTestData.gaussianRows(n, 256, 7L * n);
            float[][] outs = new float[ws.length][];
            for (int i = 0; i < ws.length; i++) outs[i] = new float[n * ws[i].rows()];
            try (WorkerPool pool = new WorkerPool(threads)) {
                MatMul.matMuls(pool, x, n, ws, outs);
            }
            try (WorkerPool one = new WorkerPool(1)) {
                for (int i = 0; i < ws.length; i++) {
                    float[] expected = new float[n * ws[i].rows()];
                    MatMul.matMul(one, ws[i], x, n, expected);
                    assertThat(outs[i]).as(ws[i].name()).containsExactly(expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads, {1} activation rows")
    @CsvSource({"2, 2", "2, 4", "3, 5", "2, 9", "3, 33"})
    void matricesOfEqualRowsRunTheFollowUpOnceOnEveryRowAfterBothAreComputed(int threads, int n) {
        int rows = 301, k = 256; // odd: no chunk boundary is a multiple of 8
        Tensor gate = OpsTestData.randomQ8_0(rows, k, 21), up = OpsTestData.randomQ8_0(rows, k, 22);
        float[] x = OpsTestData.gaussianRows(n, k, 5L * n);
        float[] g = new float[n * rows], u = new float[n * rows];
        int[] visits = new int[rows];
        try (WorkerPool pool = new WorkerPool(threads)) {
            MatMul.matMuls(pool, x, n, new Tensor[] {gate, up}, new float[][] {g, u}, (from, to) -> {
                for (int r = from; r < to; r++) {
                    visits[r]++;
                    for (int t = 0; t < n; t++) g[t * rows + r] = g[t * rows + r] * 3 + u[t * rows + r];
                }
            });
        }
        float[] eg = new float[n * rows], eu = new float[n * rows];
        try (WorkerPool one = new WorkerPool(1)) {
            MatMul.matMul(one, gate, x, n, eg);
            MatMul.matMul(one, up, x, n, eu);
        }
        for (int i = 0; i < n * rows; i++) eg[i] = eg[i] * 3 + eu[i];
        assertThat(visits).containsOnly(1);
        assertThat(g).containsExactly(eg);
        assertThat(u).containsExactly(eu);
    }
}
