package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.gguf.GgufFile;
import hearth.engine.gguf.TensorInfo;
import hearth.engine.ops.MatMul;
import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dequantising the tensors of the llama-quantize'd stories260K-pad256 files gives back the F32 model's weights within
 * each type's quantisation error: this checks our reading of every block layout against files ggml wrote.
 */
class RealModelDequantizationTest {

    /** Largest relative RMS error accepted per type (typical values are well below). */
    static double maxRelativeRms(GgmlType type) {
        return switch (type) {
            case Q8_0 -> 0.01;
            case Q6_K -> 0.03;
            case Q5_0, Q5_1, Q5_K -> 0.06;
            case Q4_0, Q4_1, Q4_K, IQ4_NL -> 0.15;
            case Q3_K -> 0.25;
            case Q2_K -> 0.45;
            default -> 1e-6;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q3_K_M", "Q2_K"})
    void everyWeightDequantisesToTheF32ModelWithinItsTypesError(String mix) throws IOException {
        try (GgufFile f32 = GgufFile.open(TestData.require("models/stories260K-pad256-F32.gguf"));
             GgufFile quant = GgufFile.open(TestData.require("models/stories260K-pad256-" + mix + ".gguf"))) {
            int checked = 0;
            for (Map.Entry<String, TensorInfo> e : quant.tensorInfos().entrySet()) {
                Tensor q = quant.tensor(e.getKey());
                if (!q.type().isQuantized()) continue;
                Tensor ref = f32.tensor(e.getKey());
                double err = 0, norm = 0;
                float[] a = new float[q.rowLength()], b = new float[q.rowLength()];
                for (int r = 0; r < q.rows(); r++) {
                    MatMul.dequantizeRow(q, r, a, 0);
                    MatMul.dequantizeRow(ref, r, b, 0);
                    for (int i = 0; i < a.length; i++) {
                        err += (a[i] - b[i]) * (double) (a[i] - b[i]);
                        norm += b[i] * (double) b[i];
                    }
                }
                double rel = Math.sqrt(err / norm);

                assertThat(rel).as("%s %s (%s)", mix, e.getKey(), q.type()).isLessThan(maxRelativeRms(q.type()));
                checked++;
            }
            assertThat(checked).isGreaterThan(30);
        }
    }
}
