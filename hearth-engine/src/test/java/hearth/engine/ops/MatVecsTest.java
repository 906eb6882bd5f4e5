package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.gguf.GgufFile;
import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several decode mat-vecs in one parallel section give exactly the numbers of one mat-vec call per matrix. */
class MatVecsTest {

    private static float[] input(int k, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[k];
        for (int i = 0; i < k; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    private static float[] separately(Tensor w, float[] x) {
        float[] out = new float[w.rows()];
        try (WorkerPool one = new WorkerPool(1)) {
            MatMul.matVec(one, w, x, out);
        }
        return out;
    }

    /** Q8_0 rows of random quants with small scales; an odd row count so that no chunk boundary is a multiple of 8. */
    private static Tensor randomQ8_0(int rows, int k, long seed) {
        Random rnd = new Random(seed);
        int blocks = rows * (k / 32);
        byte[] bytes = new byte[blocks * 34];
        rnd.nextBytes(bytes);
        MemorySegment data = MemorySegment.ofArray(bytes);
        for (int b = 0; b < blocks; b++) {
            short d = Float.floatToFloat16((float) (0.001 + rnd.nextDouble() * 0.01));
            bytes[b * 34] = (byte) d;
            bytes[b * 34 + 1] = (byte) (d >> 8);
        }
        return new Tensor("random", GgmlType.Q8_0, new long[] {k, rows}, data);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void matricesSharingOneRangeMatchSeparateCalls(int threads) throws IOException {
        try (GgufFile q4km = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_K_M.gguf"));
                GgufFile q40 = GgufFile.open(TestData.require("models/stories260K-pad256-Q4_0.gguf"))) {
            // mixed kernels and paths (Q4_0's eight-row interleaved one), and a matrix whose rows are not a multiple of 8
            Tensor[] ws = {q40.tensor("blk.0.attn_q.weight"), q4km.tensor("blk.0.attn_k.weight"), randomQ8_0(301, 256, 5),
                    q4km.tensor("blk.0.attn_v.weight"), q40.tensor("output.weight")};
            float[] x = input(256, 7);
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
            float[] x = input(gate.rowLength(), 11);
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
