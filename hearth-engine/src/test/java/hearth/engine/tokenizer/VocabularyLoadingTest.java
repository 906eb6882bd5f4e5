package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.gguf.GgufValue;
import org.junit.jupiter.api.Test;

/** Metadata keys and the reference's defaults where they are absent. */
class VocabularyLoadingTest {

    @Test
    void spmVocabulariesAddBosAndASpacePrefixByDefault() {
        Tokenizer tok = VocabBuilder.spm().byteTokens().normal("\u2581").build();
        TokenizerOptions o = tok.vocabulary().options();
        assertThat(o.addBos()).isTrue();
        assertThat(o.addEos()).isFalse();
        assertThat(o.addSpacePrefix()).isTrue();
        assertThat(tok.bos()).isEqualTo(1);
        assertThat(tok.eos()).isEqualTo(2);
        assertThat(tok).isInstanceOf(SentencePieceTokenizer.class);
    }

    @Test
    void bpeDefaultsDependOnThePreTokenizer() {
        TokenizerOptions gpt2 = VocabBuilder.bpe("gpt-2").byteAlphabet().build().vocabulary().options();
        assertThat(gpt2.addBos()).isFalse();
        assertThat(gpt2.cleanSpaces()).isTrue();
        assertThat(gpt2.ignoreMerges()).isFalse();
        TokenizerOptions llama3 = VocabBuilder.bpe("llama-bpe").byteAlphabet().build().vocabulary().options();
        assertThat(llama3.addBos()).isTrue();
        assertThat(llama3.ignoreMerges()).isTrue();
        TokenizerOptions qwen2 = VocabBuilder.bpe("qwen2").byteAlphabet().build().vocabulary().options();
        assertThat(qwen2.cleanSpaces()).isFalse();
        Tokenizer noPre = VocabBuilder.bpe(null).byteAlphabet().build();
        assertThat(((BpeTokenizer) noPre).preTokenizer().family()).isEqualTo("default");
    }

    @Test
    void keysOverrideTheDefaults() {
        Tokenizer tok = VocabBuilder.spm().byteTokens().normal("\u2581", "a")
                .set("tokenizer.ggml.add_bos_token", GgufValue.ofBool(false))
                .set("tokenizer.ggml.add_eos_token", GgufValue.ofBool(true))
                .set("tokenizer.ggml.add_space_prefix", GgufValue.ofBool(false))
                .set("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(0)).build();
        assertThat(tok.encode("a", true, false)).containsExactly(tok.tokenId("a"), 0);
    }

    @Test
    void specialIdsOutsideTheVocabularyAreIgnored() {
        Tokenizer tok = TokenizerTestSupport.tokenizer("models/stories260K.gguf");
        // the file stores 4294967295 for the separator and padding ids
        assertThat(tok.specialTokens().sep()).isEqualTo(-1);
        assertThat(tok.specialTokens().pad()).isEqualTo(-1);
        assertThat(tok.specialTokens().unk()).isZero();
        assertThat(tok.vocabularySize()).isEqualTo(512);
    }

    @Test
    void endOfTurnMarkersAreFoundByTheirTextAndBecomeControlTokens() {
        VocabBuilder v = VocabBuilder.bpe("qwen2").byteAlphabet().normal("<|im_end|>", "<|endoftext|>", "<|fim_pad|>")
                .set("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(3));
        Tokenizer tok = v.build();
        int imEnd = v.idOf("<|im_end|>");
        assertThat(tok.isEndOfGeneration(imEnd)).isTrue();
        assertThat(tok.isEndOfGeneration(v.idOf("<|endoftext|>"))).isTrue();
        assertThat(tok.isEndOfGeneration(v.idOf("<|fim_pad|>"))).isTrue();
        assertThat(tok.isEndOfGeneration(3)).as("eos").isTrue();
        assertThat(tok.isEndOfGeneration(v.idOf("a"))).isFalse();
        assertThat(tok.eot()).isEqualTo(imEnd);
        assertThat(tok.vocabulary().type(imEnd)).isEqualTo(TokenType.CONTROL);
        assertThat(tok.specialTokens().fimPad()).isEqualTo(v.idOf("<|fim_pad|>"));
    }

    @Test
    void wordPieceVocabulariesUseBertIds() {
        Tokenizer bert = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-bert-bge.gguf");
        assertThat(bert.bos()).isEqualTo(101);
        assertThat(bert.specialTokens().sep()).isEqualTo(102);
        assertThat(bert.encode("hi", true, false)).startsWith(101).endsWith(102);
        assertThat(bert).isInstanceOf(WordPieceTokenizer.class);
    }

    @Test
    void emptyTokenTextsGetAPlaceholderName() {
        Tokenizer tok = VocabBuilder.spm().normal("").byteTokens().build();
        assertThat(tok.tokenText(3)).isEqualTo("[EMPTY_3]");
    }

    @Test
    void unsupportedModelsAreRejectedWithTheirName() {
        VocabBuilder v = VocabBuilder.spm().set("tokenizer.ggml.model", GgufValue.of("rwkv"));
        assertThatThrownBy(v::build).isInstanceOf(UnsupportedTokenizerException.class).hasMessageContaining("rwkv");
    }

    @Test
    void aLargeVocabularyLoadsQuickly() throws Exception {
        java.nio.file.Path p = hearth.engine.TestData.require("tokenizer/ggml-vocab-deepseek-llm.gguf");
        long t0 = System.nanoTime();
        Tokenizer tok = Tokenizer.fromGguf(p);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(tok.vocabularySize()).isEqualTo(102400);
        assertThat(ms).as("load milliseconds").isLessThan(3_000);
    }
}
