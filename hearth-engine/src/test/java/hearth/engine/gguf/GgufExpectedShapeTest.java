package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.TestData;
import org.junit.jupiter.api.Test;

/** GgufFile.tensor(name, shape...) lets a model loader demand a shape; a mismatch names tensor and both shapes. */
class GgufExpectedShapeTest {

    @Test
    void tensorWithTheExpectedShapeIsReturned() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/stories260K.gguf"))) {
            assertThat(g.tensor("blk.0.ffn_down.weight", 172, 64).rows()).isEqualTo(64);
        }
    }

    @Test
    void shapeMismatchNamesTheTensorAndBothShapes() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/stories260K.gguf"))) {
            assertThatThrownBy(() -> g.tensor("blk.0.ffn_down.weight", 64, 172))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("stories260K.gguf", "'blk.0.ffn_down.weight'", "has shape [172, 64]", "needs shape [64, 172]");
        }
    }

    @Test
    void differentNumberOfDimensionsIsAMismatch() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/stories260K.gguf"))) {
            assertThatThrownBy(() -> g.tensor("output_norm.weight", 64, 1))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("'output_norm.weight'", "[64]", "[64, 1]");
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        try (GgufFile g = GgufFile.open(TestData.require("models/stories260K.gguf"))) {
            assertThatThrownBy(() -> g.tensor("blk.5.attn_q.weight", 64, 64))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("missing tensor 'blk.5.attn_q.weight'");
        }
    }
}
