package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API kernels compute the same numbers as the scalar reference dot products (which follow ggml's integer
 * formulation), up to float summation order, on random blocks of every type.
 */
class VectorKernelsMatchReferenceTest {
    private static final int ROWS = 37;

    static Stream<Arguments> typesAndLengths() {
        return Stream.of(RandomWeights.TYPES).flatMap(t -> Stream.of(256, 512, 2048).map(k -> Arguments.of(t, k)));
    }

    /** Tolerance for a dot product: float rounding relative to the sum of |w_i * x_i|. */
    private static double tolerance(QuantKernel kern, MemorySegment w, long offset, Activations a, int t) {
        float[] row = new float[a.rowLength()];
        kern.dequantizeRow(w, offset, a.rowLength(), row, 0);
        double mag = 0;
        for (int i = 0; i < row.length; i++) mag += Math.abs(row[i] * a.value(t * a.rowLength() + i));
        return 2e-6 * mag + 1e-30;
    }

    @Test
    void vectorKernelsAreEnabledOnThisMachine() {
        assertThat(Kernels.vectorized()).as("256-bit vectors available, so the tests below exercise the Vector API code").isTrue();
    }

    @ParameterizedTest(name = "{0} k={1}")
    @MethodSource("typesAndLengths")
    void singleRowDotEqualsReference(GgmlType type, int k) {
        QuantKernel kern = Kernels.forType(type);
        MemorySegment w = RandomWeights.rows(type, ROWS, k, 11 * k + type.id);
        Activations a = Activations.of(kern.activationFormat(), RandomWeights.activations(2, k, k + type.id), 2, k);
        long rowBytes = type.bytesFor(k);
        for (int r = 0; r < ROWS; r++) {
            for (int t = 0; t < 2; t++) {
                float ref = kern.dotReference(w, r * rowBytes, a, t);
                assertThat(kern.dot(w, r * rowBytes, a, t)).as("row %d, activation row %d", r, t)
                        .isCloseTo(ref, within((float) tolerance(kern, w, r * rowBytes, a, t)));
            }
        }
    }

    @ParameterizedTest(name = "{0} k={1}")
    @MethodSource("typesAndLengths")
    void batchedMatMulEqualsReferenceForOneThreeAndSeventeenActivationRows(GgmlType type, int k) {
        QuantKernel kern = Kernels.forType(type);
        MemorySegment w = RandomWeights.rows(type, ROWS, k, 7 * k + type.id);
        long rowBytes = type.bytesFor(k);
        for (int n : new int[] {1, 3, 17}) {
            Activations a = Activations.of(kern.activationFormat(), RandomWeights.activations(n, k, n * 1000 + k), n, k);
            float[] out = new float[n * ROWS];
            // a sub-range of rows, as a worker would get it, plus the rest
            kern.matMul(w, rowBytes, 0, 5, a, out, ROWS);
            kern.matMul(w, rowBytes, 5, ROWS, a, out, ROWS);
            for (int t = 0; t < n; t++) {
                for (int r = 0; r < ROWS; r++) {
                    float ref = kern.dotReference(w, r * rowBytes, a, t);
                    assertThat(out[t * ROWS + r]).as("n=%d row %d, activation row %d", n, r, t)
                            .isCloseTo(ref, within((float) tolerance(kern, w, r * rowBytes, a, t)));
                }
            }
        }
    }
}
