package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** BERT normalization and greedy longest-match. */
class WordPieceTokenizerTest {

    @Test
    void textIsLowerCasedStrippedOfAccentsAndSplitAtPunctuationAndIdeographs() {
        assertThat(WordPieceTokenizer.words("Hello, Wörld!我想 a$b\u0000c")).containsExactly("hello", ",", "world", "!", "我", "想", "a", "$", "bc");
    }

    @Test
    void wordsAreCoveredByTheLongestTokensFromTheLeft() {
        VocabBuilder v = VocabBuilder.spm().set("tokenizer.ggml.model", hearth.engine.gguf.GgufValue.of("bert"))
                .normal("\u2581un", "\u2581unaff", "able", "aff", "[UNK]");
        Tokenizer tok = v.build();
        assertThat(tok.encode("unaffable")).containsExactly(v.idOf("\u2581unaff"), v.idOf("able"));
    }

    @Test
    void aWordThatCannotBeCoveredBecomesOneUnknownToken() {
        Tokenizer bert = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-bert-bge.gguf");
        int unk = bert.specialTokens().unk();
        assertThat(bert.tokenText(unk)).isEqualTo("[UNK]");
        assertThat(bert.encode("hello \uE000\uE001x world")).containsExactly(bert.tokenId("\u2581hello"), bert.tokenId("\u2581x"), bert.tokenId("\u2581world"));
        assertThat(bert.encode("hello 🦙 world")).containsExactly(bert.tokenId("\u2581hello"), unk, bert.tokenId("\u2581world"));
    }
}
