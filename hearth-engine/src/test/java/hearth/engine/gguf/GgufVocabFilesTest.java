package hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vocabulary-only GGUFs of testdata/tokenizer read with the README's tokenizer model, pre-tokenizer and size.
 * They have no tensors and end right after the header, before the aligned data offset.
 */
class GgufVocabFilesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ggml-vocab-baichuan.gguf, llama, -, 64000",
            "ggml-vocab-bert-bge.gguf, bert, bert-bge, 30522",
            "ggml-vocab-deepseek-coder.gguf, gpt2, deepseek-coder, 32256",
            "ggml-vocab-deepseek-llm.gguf, gpt2, deepseek-llm, 102400",
            "ggml-vocab-falcon.gguf, gpt2, falcon, 65024",
            "ggml-vocab-gpt-2.gguf, gpt2, gpt-2, 50257",
            "ggml-vocab-gpt-neox.gguf, gpt2, -, 50432",
            "ggml-vocab-llama-spm.gguf, llama, default, 32000",
            "ggml-vocab-mpt.gguf, gpt2, mpt, 50432",
            "ggml-vocab-phi-3.gguf, llama, default, 32064",
            "ggml-vocab-refact.gguf, gpt2, refact, 49216",
            "ggml-vocab-starcoder.gguf, gpt2, starcoder, 49152",
    })
    void vocabularyFileReadsAsTheReadmeSays(String file, String model, String pre, int nVocab) throws Exception {
        Path path = TestData.require("tokenizer/" + file);
        try (GgufFile g = GgufFile.open(path)) {
            GgufMetadata md = g.metadata();
            assertThat(g.tensorInfos()).isEmpty();
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo(model);
            if (pre.equals("-")) {
                assertThat(md.has("tokenizer.ggml.pre")).isFalse();
            } else {
                assertThat(md.getString("tokenizer.ggml.pre")).isEqualTo(pre);
            }
            String[] tokens = md.getStrings("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(nVocab).doesNotContainNull();
            if (md.has("tokenizer.ggml.token_type")) assertThat(md.getInts("tokenizer.ggml.token_type")).hasSize(nVocab);
            if (md.has("tokenizer.ggml.scores")) assertThat(md.getFloats("tokenizer.ggml.scores")).hasSize(nVocab);
            if (model.equals("gpt2")) assertThat(md.getStrings("tokenizer.ggml.merges")).isNotEmpty();
            assertThat(md.string("general.architecture")).isPresent();
            assertThat(g.fileBytes()).isEqualTo(Files.size(path));
            assertThat(g.describe()).contains("0 tensors");
        }
    }
}
