package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import hearth.engine.tensor.GgmlType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GgufFile.describe() summarises a model in one line: file, version, arch, tensor types, parameters, size. */
class GgufDescribeTest {
    @TempDir
    Path dir;

    @Test
    void describesStories260K() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/stories260K.gguf"))) {
            // 512*64 (token_embd) * 2 (output) + 64 (output_norm) + 5 layers of (4096+2048+2048+4096 attention
            // + 3*64*172 FFN + 2*64 norms) = 292 800 weights; 1 185 376 bytes = 1.13 MiB.
            assertThat(g.parameterCount()).isEqualTo(292_800);
            assertThat(g.describe()).isEqualTo(
                    "stories260K.gguf: GGUF v3, arch llama, name \"llama\", 48 tensors (F32×48), 292.8K parameters, 1.13 MiB, 19 metadata keys");
        }
    }

    @Test
    void typeHistogramOfAMixedQuantizationIsSortedByTypeName() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/stories260K-pad256-Q3_K_M.gguf"))) {
            assertThat(g.tensorTypeCounts()).containsExactly(
                    Map.entry(GgmlType.F32, 11), Map.entry(GgmlType.Q3_K, 21), Map.entry(GgmlType.Q4_K, 8),
                    Map.entry(GgmlType.Q5_0, 5), Map.entry(GgmlType.Q5_K, 2), Map.entry(GgmlType.Q6_K, 1));
            assertThat(g.describe()).contains("48 tensors (F32×11, Q3_K×21, Q4_K×8, Q5_0×5, Q5_K×2, Q6_K×1)", "771.06 KiB");
        }
    }

    @Test
    void fileWithoutArchitectureOrTensorsIsStillDescribed() throws Exception {
        Path file = dir.resolve("bare.gguf");
        new GgufWriter().put("x", GgufValue.ofBool(true)).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.describe()).isEqualTo("bare.gguf: GGUF v3, arch unknown, 0 tensors, 0 parameters, 64 B, 1 metadata keys");
        }
    }

    @Test
    void largeCountsAndSizesUseUnits() {
        assertThat(GgufFile.humanCount(999)).isEqualTo("999");
        assertThat(GgufFile.humanCount(1_235_814_400L)).isEqualTo("1.2B");
        assertThat(GgufFile.humanBytes(1023)).isEqualTo("1023 B");
        assertThat(GgufFile.humanBytes(2_477_351_104L)).isEqualTo("2.31 GiB");
    }
}
