package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writing a model's metadata and tensors, as read, gives back the same bytes: the reader keeps key order, value
 * types and tensor order, and the writer lays the file out as llama.cpp does (v3, header padded to the alignment,
 * every tensor padded to the alignment).
 */
class GgufRewriteIdenticalTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "stories260K.gguf", "stories260K-F16.gguf", "stories260K-pad256-F32.gguf", "stories260K-pad256-Q8_0.gguf",
            "stories260K-pad256-Q4_0.gguf", "stories260K-pad256-Q4_K_M.gguf", "stories260K-pad256-Q5_K_M.gguf",
            "stories260K-pad256-Q6_K.gguf", "stories260K-pad256-Q3_K_M.gguf", "stories260K-pad256-Q2_K.gguf",
            "llama-2-tiny-random.gguf"})
    void rewrittenModelIsByteIdentical(String name) throws Exception {
        Path original = TestData.require("models/" + name);
        Path copy = dir.resolve(name);
        try (GgufFile g = GgufFile.open(original)) {
            GgufWriter w = new GgufWriter().putAll(g.metadata());
            for (String t : g.tensorInfos().keySet()) w.addTensor(g.tensor(t));
            w.write(copy);
        }
        byte[] expected = Files.readAllBytes(original);
        byte[] actual = Files.readAllBytes(copy);
        assertThat(actual.length).isEqualTo(expected.length);
        int firstDifference = Arrays.mismatch(expected, actual);
        assertThat(firstDifference).as("first differing byte").isEqualTo(-1);
    }
}
