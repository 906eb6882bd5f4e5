package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The SPM merge rules on a hand-made vocabulary, and the leading-space rule on the Llama-2 vocabulary. */
class SentencePieceTokenizerTest {

    private static VocabBuilder letters() {
        return VocabBuilder.spm().byteTokens().normal("\u2581", "a", "b", "c")
                .token("\u2581a", TokenType.NORMAL, -1f).token("ab", TokenType.NORMAL, -2f).token("bc", TokenType.NORMAL, -0.5f);
    }

    @Test
    void theHighestScoringPairIsMergedFirst() {
        VocabBuilder v = letters();
        Tokenizer tok = v.build();
        // "▁abc": "bc" (-0.5) beats "▁a" (-1) and "ab" (-2); then "▁a" still merges
        assertThat(tok.encode("abc")).containsExactly(v.idOf("\u2581a"), v.idOf("bc"));
    }

    @Test
    void equalScoresMergeTheLeftmostPairFirst() {
        VocabBuilder v = VocabBuilder.spm().byteTokens().normal("\u2581", "x", "y")
                .token("xy", TokenType.NORMAL, -1f).token("yx", TokenType.NORMAL, -1f);
        Tokenizer tok = v.build();
        // "▁xyx": "xy" and "yx" score the same; the left one wins and "yx" can no longer form
        assertThat(tok.encode("xyx")).containsExactly(v.idOf("\u2581"), v.idOf("xy"), v.idOf("x"));
    }

    @Test
    void charactersWithoutATokenFallBackToByteTokens() {
        VocabBuilder v = letters();
        Tokenizer tok = v.build();
        assertThat(tok.encode("\u00E9")).containsExactly(v.idOf("\u2581"), v.idOf("<0xC3>"), v.idOf("<0xA9>"));
    }

    @Test
    void withoutByteTokensAnUnknownCharacterBecomesTheUnknownToken() {
        VocabBuilder v = VocabBuilder.spm().normal("\u2581", "a");
        Tokenizer tok = v.build();
        assertThat(tok.encode("a\u00E9")).containsExactly(v.idOf("\u2581"), v.idOf("a"), 0, 0);
    }

    @Test
    void aSpaceIsPutBeforeTheTextAndAfterEachSpecialToken() {
        Tokenizer tok = TokenizerTestSupport.tokenizer("models/llama-2-tiny-random.gguf");
        int hello = tok.tokenId("\u2581Hello");
        assertThat(tok.encode("Hello", true, true)).containsExactly(1, hello);
        assertThat(tok.encode("Hello</s>Hello", false, true)).containsExactly(hello, 2, hello);
        assertThat(tok.encode("", true, true)).containsExactly(1);
        assertThat(tok.encode("", false, false)).isEmpty();
    }

    @Test
    void newlineIsTheByteTokenOfLineFeed() {
        Tokenizer tok = TokenizerTestSupport.tokenizer("models/stories260K.gguf");
        assertThat(tok.tokenText(tok.newline())).isEqualTo("<0x0A>");
    }
}
