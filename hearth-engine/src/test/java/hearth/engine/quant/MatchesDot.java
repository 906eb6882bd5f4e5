package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;

/** The kernel tests' common check: mat-mul outputs equal the single dot product bit for bit. */
final class MatchesDot {
    private MatchesDot() {}

    /**
     * Asserts out[t * rows + r] == kern.dot(row r, activation row t), compared as raw float bits, for every weight row
     * r < rows and activation row t < n; {@code context} leads each failure message.
     */
    static void assertEveryOutput(String context, QuantKernel kern, MemorySegment w, long rowBytes, Activations a,
            float[] out, int rows, int n) {
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                float dot = kern.dot(w, r * rowBytes, a, t);
                assertThat(Float.floatToRawIntBits(out[t * rows + r]))
                        .as("%s row %d activation row %d: %s vs dot %s", context, r, t, out[t * rows + r], dot)
                        .isEqualTo(Float.floatToRawIntBits(dot));
            }
        }
    }
}
