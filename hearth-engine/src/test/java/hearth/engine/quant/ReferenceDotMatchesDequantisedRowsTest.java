package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integer formulation of each reference dot product (block sums, min terms from activation sums, offsets folded
 * out) equals the plain float dot of the dequantised row with the activation values.
 */
class ReferenceDotMatchesDequantisedRowsTest {

    static GgmlType[] types() {
        return RandomWeights.TYPES;
    }

    @ParameterizedTest
    @MethodSource("types")
    void referenceDotEqualsDequantisedRowTimesActivationValues(GgmlType type) {
        int k = 512, rows = 8;
        QuantKernel kern = Kernels.forType(type);
        MemorySegment w = RandomWeights.rows(type, rows, k, 99 + type.id);
        Activations a = Activations.of(kern.activationFormat(), RandomWeights.activations(1, k, 3), 1, k);
        // Q8_1's block sum is stored as fp16, so the min term carries an fp16 rounding
        double rel = kern.activationFormat() == ActivationFormat.Q8_1 ? 2e-3 : 1e-5;
        float[] row = new float[k];
        for (int r = 0; r < rows; r++) {
            kern.dequantizeRow(w, r * type.bytesFor(k), k, row, 0);
            double dot = 0, mag = 0;
            for (int i = 0; i < k; i++) {
                dot += (double) row[i] * a.value(i);
                mag += Math.abs((double) row[i] * a.value(i));
            }
            assertThat((double) kern.dotReference(w, r * type.bytesFor(k), a, 0)).as("row %d", r).isCloseTo(dot, within(rel * mag));
        }
    }
}
