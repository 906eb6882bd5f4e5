package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.gguf.GgufFile;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several decode mat-vecs in one parallel section give exactly the numbers of one mat-vec call per matrix. */
class MatVecsTest {

    private static float[] separately(Tensor w, float[] x) {
        float[] out = new float[w.rows()];
        try (WorkerPool one = new WorkerPool(1)) {
            MatMul.matVec(one, w, x, out);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void matricesSharingOneRangeMatchSeparateCalls(int threads) throws IOException {
        try (GgufFile q4km = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_K_M.gguf"));
                GgufFile q40 = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_0.gguf"))) {
            // mixed kernels and paths (Q4_0's eight-row interleaved one), and a matrix whose rows are not a multiple of 8
            Tensor[] ws = {q40.tensor("blk.0.attn_q.weight"), q4km.tensor("blk.0.attn_k.weight"), OpsTestData.randomQ8_0(301, 256, 5),
                    q4km.tensor("blk.0.attn_v.weight"), q40.tensor("output.weight")};
            float[] x = OpsTestData.gaussianRows(1, 256, 7);
            float[][] outs = new float[ws.length][];
            for (int i = 0; i < ws.length; i++) outs[i] = new float[ws[i].rows()];
            try (WorkerPool pool = new WorkerPool(threads)) {
                MatMul.matVecs(pool, x, ws, outs, null);
            }
            for (int i = 0; i < ws.length; i++) assertThat(outs[i]).as(ws[i].name()).containsExactly(separately(ws[i], x));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void matricesOfEqualRowsRunTheFollowUpOnceOnEveryComputedRow(int threads) throws IOException {
        try (GgufFile f = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_K_M.gguf"))) {
            Tensor gate = f.tensor("blk.1.ffn_gate.weight"), up = f.tensor("blk.1.ffn_up.weight");
            float[] x = OpsTestData.gaussianRows(1, gate.rowLength(), 11);
            float[] g = new float[gate.rows()], u = new float[up.rows()];
            float[] gateSeen = new float[gate.rows()], upSeen = new float[up.rows()];
            BitSet done = new BitSet();
            int[] calls = new int[1];
            try (WorkerPool pool = new WorkerPool(threads)) {
                MatMul.matVecs(pool, x, new Tensor[] {gate, up}, new float[][] {g, u}, (from, to) -> {
                    synchronized (done) {
                        assertThat(done.get(from, to).isEmpty()).as("rows %d..%d done twice", from, to).isTrue();
                        done.set(from, to);
                        calls[0]++;
                    }
                    System.arraycopy(g, from, gateSeen, from, to - from);
                    System.arraycopy(u, from, upSeen, from, to - from);
                });
            }
            assertThat(done.cardinality()).isEqualTo(gate.rows());
            assertThat(gateSeen).containsExactly(separately(gate, x));
            assertThat(upSeen).containsExactly(separately(up, x));
            if (threads > 1) assertThat(calls[0]).isGreaterThan(1);
        }
    }
}
