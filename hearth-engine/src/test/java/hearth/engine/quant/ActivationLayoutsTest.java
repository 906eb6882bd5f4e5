package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kernel's mat-mul, given only the reordered copies of the activations it asks for ({@link
 * QuantKernel#activationLayouts}: what MatMul prepares), gives bit for bit the outputs of activations with every copy
 * filled, for single rows, pairs, tiles of four, batches and the rows left over from each, with a row count that
 * takes Q4_0 to ggml's repacked path (24) and one that does not (21).
 */
class ActivationLayoutsTest {
    private static final int K = 256;
    private static final int[] BATCHES = {1, 2, 3, 4, 5, 8, 13, 16, 20};

    private static void assertAskedLayoutsSuffice(GgmlType type, MemorySegment w, int rows) {
        QuantKernel kern = Kernels.forType(type);
        long rowBytes = type.bytesFor(K);
        for (int n : BATCHES) {
            float[] x = RandomWeights.activations(n, K, 7L * n);
            GgmlPath path = Kernels.path(type, rows, K, n);
            Activations asked = new Activations().prepare(kern.activationFormat(), n, K, kern.activationLayouts(n, path)).path(path);
            asked.convertRows(x, 0, n);
            Activations all = Activations.of(kern.activationFormat(), x, n, K).path(path);
            float[] got = new float[n * rows], want = new float[n * rows];
            kern.matMul(w, rowBytes, 0, rows, asked, got, rows);
            kern.matMul(w, rowBytes, 0, rows, all, want, rows);
            for (int i = 0; i < got.length; i++) {
                assertThat(Float.floatToIntBits(got[i])).as("%s rows=%d n=%d output %d: %s against %s", type, rows, n, i, got[i], want[i])
                        .isEqualTo(Float.floatToIntBits(want[i]));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void theLayoutsAKernelAsksForAreEnough(GgmlType type) {
        for (int rows : new int[] {24, 21}) assertAskedLayoutsSuffice(type, RandomWeights.rows(type, rows, K, 41L + type.ordinal() + rows), rows);
    }

    /**
     * Q4_0 weights with an infinite scale get no interleaved copy, so its batch kernel ({@link Q4_0Batch16}) reads them
     * as they are, from the groups of sixteen alone for whole groups of eight.
     */
    @Test
    void q4_0WithoutTheInterleavedCopyToo() {
        int rows = 24;
        MemorySegment w = RandomWeights.rows(GgmlType.Q4_0, rows, K, 31L);
        w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 3 * GgmlType.Q4_0.bytesFor(K), (short) 0x7c00);
        assertAskedLayoutsSuffice(GgmlType.Q4_0, w, rows);
    }
}
