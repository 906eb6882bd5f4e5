package hearth.engine.quant;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched mat-mul (row micro-kernels, several weight rows and activation rows at a time) gives bit for bit the
 * numbers of the single dot product, which adds its floats in ggml's order for the path ggml would take. Any change
 * of lane grouping or summation order in a micro-kernel shows up here, not only as a drift in model logits.
 */
class RowKernelsMatchDotTest {
    private static final int ROWS = 19; // odd: the two-row loops leave a row over

    static Stream<Arguments> cases() {
        return Stream.of(RandomWeights.TYPES).flatMap(t -> Stream.of(GgmlPath.values())
                .filter(p -> p != GgmlPath.REPACKED_Q4_0 || t == GgmlType.Q4_0)
                .flatMap(p -> Stream.of(256, 1024, 288).filter(k -> k % t.blockSize == 0) // 288: an odd block count
                        .map(k -> Arguments.of(t, p, k))));
    }

    @ParameterizedTest(name = "{0} {1} k={2}")
    @MethodSource("cases")
    void everyOutputOfTheBatchedMatMulIsBitIdenticalToTheDotProduct(GgmlType type, GgmlPath path, int k) {
        QuantKernel kern = Kernels.forType(type);
        MemorySegment w = RandomWeights.rows(type, ROWS, k, 31L * k + type.id);
        long rowBytes = type.bytesFor(k);
        // with every reordered copy (the 512-bit four-row path where the CPU has it), and without the pair layout
        // (the 256-bit four-row path that CPUs without 512-bit vectors take); 7 = four, two and one activation rows
        int[][] variants = {{Activations.ALL_LAYOUTS, 1}, {Activations.ALL_LAYOUTS, 2}, {Activations.ALL_LAYOUTS, 5},
                {Activations.ALL_LAYOUTS, 7}, {Activations.ALL_LAYOUTS, 9}, {Activations.ALL_LAYOUTS & ~Activations.QF2, 5}};
        for (int[] v : variants) {
            int layouts = v[0], n = v[1];
            float[] x = RandomWeights.activations(n, k, n * 77L + k);
            Activations a = new Activations().prepare(kern.activationFormat(), n, k, layouts).path(path);
            a.convertRows(x, 0, n);
            float[] out = new float[n * ROWS];
            kern.matMul(w, rowBytes, 0, 3, a, out, ROWS);
            kern.matMul(w, rowBytes, 3, ROWS, a, out, ROWS);
            MatchesDot.assertEveryOutput("n=" + n, kern, w, rowBytes, a, out, ROWS, n);
        }
    }
}
