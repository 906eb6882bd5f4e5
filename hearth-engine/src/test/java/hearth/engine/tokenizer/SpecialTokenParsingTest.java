package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.gguf.GgufValue;
import org.junit.jupiter.api.Test;

/** Special tokens written in the input: when they are recognised, longest first, and their whitespace stripping. */
class SpecialTokenParsingTest {

    private static VocabBuilder chat() {
        return VocabBuilder.bpe("qwen2").byteAlphabet()
                .token("<|im_start|>", TokenType.CONTROL, 0)
                .token("<|im_end|>", TokenType.CONTROL, 0)
                .token("<|im_start|>user", TokenType.CONTROL, 0)
                .token("<tool>", TokenType.USER_DEFINED, 0);
    }

    @Test
    void controlTokensAreRecognisedOnlyWhenParsingSpecialTokens() {
        VocabBuilder v = chat();
        Tokenizer tok = v.build();
        assertThat(tok.encode("a<|im_end|>b", false, true)).containsExactly(v.idOf("a"), v.idOf("<|im_end|>"), v.idOf("b"));
        int[] plain = tok.encode("a<|im_end|>b", false, false);
        assertThat(plain).doesNotContain(v.idOf("<|im_end|>")).hasSize("a<|im_end|>b".length());
    }

    @Test
    void userDefinedTokensAreRecognisedEvenInPlainText() {
        VocabBuilder v = chat();
        Tokenizer tok = v.build();
        assertThat(tok.encode("x<tool>y", false, false)).containsExactly(v.idOf("x"), v.idOf("<tool>"), v.idOf("y"));
    }

    @Test
    void theLongestSpecialTokenWins() {
        VocabBuilder v = chat();
        Tokenizer tok = v.build();
        assertThat(tok.encode("<|im_start|>user<|im_start|>", false, true))
                .containsExactly(v.idOf("<|im_start|>user"), v.idOf("<|im_start|>"));
    }

    @Test
    void everyOccurrenceIsFound() {
        VocabBuilder v = chat();
        Tokenizer tok = v.build();
        int end = v.idOf("<|im_end|>");
        assertThat(tok.encode("<|im_end|><|im_end|>a<|im_end|>", false, true)).containsExactly(end, end, v.idOf("a"), end);
    }

    @Test
    void stripFlagsSwallowTheWhitespaceBesideTheToken() {
        // Jina v2 marks <mask> lstrip; Phi-3 marks its special tokens rstrip
        VocabBuilder v = VocabBuilder.bpe("jina-v2-es").byteAlphabet().token("<mask>", TokenType.CONTROL, 0);
        Tokenizer tok = v.build();
        assertThat(tok.encode("a \t<mask> b", false, true)).containsExactly(v.idOf("a"), v.idOf("<mask>"), v.idOf("\u0120"), v.idOf("b"));

        Tokenizer phi3 = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-phi-3.gguf");
        int end = phi3.tokenId("<|end|>");
        assertThat(phi3.vocabulary().rstrip(end)).isTrue();
        assertThat(phi3.encode("<|end|>\n  hi", false, true)).containsExactly(end, phi3.tokenId("\u2581hi"));
        assertThat(phi3.vocabulary().rstrip(phi3.tokenId("<s>"))).isFalse();
    }

    @Test
    void theStoriesVocabularyParsesBosAndTheChatMarkersStayText() {
        Tokenizer tok = TokenizerTestSupport.tokenizer("models/stories260K.gguf");
        int[] ids = tok.encode("<s>Once", false, true);
        assertThat(ids[0]).isEqualTo(tok.bos());
        assertThat(tok.encode("<s>Once", false, false)).doesNotContain(tok.bos());
        assertThat(tok.tokenId("<|im_start|>")).isEqualTo(-1);
    }

    @Test
    void aVocabularyWithThousandsOfSpecialTokensStaysFast() {
        VocabBuilder v = VocabBuilder.bpe("llama-bpe").byteAlphabet();
        for (int i = 0; i < 5000; i++) v.token("<|reserved_special_token_" + i + "|>", TokenType.CONTROL, 0);
        v.set("tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(0));
        Tokenizer tok = v.build();
        String text = "<|reserved_special_token_4999|> plain text < | > ".repeat(2000);
        long t0 = System.nanoTime();
        int[] ids = tok.encode(text, false, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ids).contains(v.idOf("<|reserved_special_token_4999|>"));
        assertThat(ms).as("milliseconds for %d chars", text.length()).isLessThan(5_000);
    }
}
