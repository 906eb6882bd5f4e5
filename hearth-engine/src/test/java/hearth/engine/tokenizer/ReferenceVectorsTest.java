package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every string of llama.cpp's test-tokenizer-0 vectors tokenizes (no BOS/EOS, special spellings as plain text) to
 * exactly the ids the reference produced for the same vocabulary.
 */
class ReferenceVectorsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "phi-3", "bert-bge", "deepseek-coder", "deepseek-llm", "falcon", "gpt-2", "mpt",
        "refact", "starcoder"})
    void everyTestStringGivesTheReferenceIds(String name) throws Exception {
        String base = "tokenizer/ggml-vocab-" + name + ".gguf";
        Tokenizer tok = TokenizerTestSupport.tokenizer(base);
        Path inp = TestData.require(base + ".inp");
        Path out = TestData.require(base + ".out");
        List<TokenizerTestSupport.Vector> vectors = TokenizerTestSupport.vectors(inp, out);
        List<String> failures = new ArrayList<>();
        for (TokenizerTestSupport.Vector v : vectors) {
            int[] got = tok.encode(v.text(), false, false);
            if (!Arrays.equals(got, v.ids())) {
                failures.add("#" + v.index() + " '" + TokenizerTestSupport.escape(v.text()) + "'\n   want " + Arrays.toString(v.ids())
                        + "\n   got  " + Arrays.toString(got));
            }
        }
        System.out.printf("tokenizer vectors %-15s %d/%d pass%n", name, vectors.size() - failures.size(), vectors.size());
        assertThat(failures).as("failed vectors of " + name).isEmpty();
        assertThat(vectors).hasSize(46);
    }
}
