package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed metadata accessors name the file and key when a required key is missing or has the wrong type. */
class GgufMetadataAccessTest {
    @TempDir
    Path dir;

    private GgufFile open() throws Exception {
        Path file = dir.resolve("meta.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.of("llama"))
                .put("llama.block_count", GgufValue.ofUInt32(5))
                .put("big", GgufValue.ofUInt64(1L << 40))
                .put("ints", GgufValue.ofArray(new GgufValue.Array(GgufValueType.UINT32, new long[] {1, 4_000_000_000L})))
                .write(file);
        return GgufFile.open(file);
    }

    @Test
    void missingRequiredKeyIsNamed() throws Exception {
        try (GgufFile g = open()) {
            assertThatThrownBy(() -> g.metadata().getInt("llama.embedding_length"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("meta.gguf", "missing required metadata key 'llama.embedding_length'");
        }
    }

    @Test
    void wrongTypeIsNamed() throws Exception {
        try (GgufFile g = open()) {
            assertThatThrownBy(() -> g.metadata().getString("llama.block_count"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("'llama.block_count'", "UINT32", "expected a string");
            assertThatThrownBy(() -> g.metadata().getInt("general.architecture"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContainingAll("'general.architecture'", "expected an integer");
        }
    }

    @Test
    void valuesOutsideIntRangeAreNotTruncated() throws Exception {
        try (GgufFile g = open()) {
            assertThat(g.metadata().getLong("big")).isEqualTo(1L << 40);
            assertThatThrownBy(() -> g.metadata().getInt("big")).isInstanceOf(GgufFormatException.class).hasMessageContaining("out of range");
            assertThatThrownBy(() -> g.metadata().getInts("ints")).isInstanceOf(GgufFormatException.class).hasMessageContaining("4000000000");
        }
    }

    @Test
    void optionalAccessorsFallBackToDefaults() throws Exception {
        try (GgufFile g = open()) {
            assertThat(g.metadata().getInt("llama.block_count", 1)).isEqualTo(5);
            assertThat(g.metadata().getInt("llama.expert_count", 0)).isZero();
            assertThat(g.metadata().getFloat("llama.rope.freq_base", 10000f)).isEqualTo(10000f);
            assertThat(g.metadata().string("general.name")).isEmpty();
        }
    }
}
