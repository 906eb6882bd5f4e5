package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Word splits of every pre-tokenizer family against splits recorded from llama.cpp's own splitter
 * ({@code pretokenizer-splits.json}): its test strings plus random mixed-script strings (whitespace runs, CR/LF,
 * contractions, digits, marks, emoji, CJK, Unicode 16 additions, controls).
 */
class PreTokenizerTest {
    private static JsonNode fixture;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = PreTokenizerTest.class.getResourceAsStream("pretokenizer-splits.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama3", "qwen2", "gpt2", "starcoder", "falcon", "deepseek-llm", "deepseek-coder",
        "deepseek3", "poro", "viking", "tekken", "chameleon", "default"})
    void familySplitsLikeTheReference(String family) {
        PreTokenizer pre = PreTokenizer.family(family);
        JsonNode inputs = fixture.get("inputs");
        JsonNode splits = fixture.get("splits").get(family);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            List<String> want = new ArrayList<>();
            splits.get(i).forEach(w -> want.add(w.asText()));
            List<String> got = pre.split(inputs.get(i).asText());
            if (!got.equals(want)) failures.add("#" + i + " '" + TokenizerTestSupport.escape(inputs.get(i).asText()) + "' want " + want + " got " + got);
        }
        assertThat(inputs.size()).isGreaterThan(100);
        assertThat(failures).isEmpty();
    }

    @Test
    void llama3KeepsAtMostThreeDigitsTogetherAndQwen2One() {
        assertThat(PreTokenizer.family("llama3").split("12345")).containsExactly("123", "45");
        assertThat(PreTokenizer.family("qwen2").split("123")).containsExactly("1", "2", "3");
    }

    @Test
    void wordsAreSpelledInTheByteAlphabet() {
        assertThat(PreTokenizer.family("gpt2").split("Hi there\n")).containsExactly("Hi", "\u0120there", "\u010A");
    }

    @Test
    void unknownPreTokenizerNamesAreRejected() {
        assertThatThrownBy(() -> BpePreset.forPre("no-such-pre")).isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("no-such-pre");
    }

    @Test
    void everyPreValueOfTheReferenceMapsToAFamily() {
        for (String pre : List.of("default", "llama3", "llama-v3", "llama-bpe", "falcon3", "deepseek-llm", "deepseek-coder",
                "deepseek-v3", "falcon", "mpt", "starcoder", "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en",
                "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "refact", "command-r", "qwen2", "deepseek-r1-qwen",
                "stablelm2", "olmo", "dbrx", "smaug-bpe", "poro-chat", "chatglm-bpe", "viking", "jais", "tekken", "smollm",
                "codeshell", "bloom", "gpt3-finnish", "exaone", "chameleon", "minerva-7b", "megrez")) {
            assertThat(PreTokenizer.family(BpePreset.forPre(pre).family())).as(pre).isNotNull();
        }
    }
}
