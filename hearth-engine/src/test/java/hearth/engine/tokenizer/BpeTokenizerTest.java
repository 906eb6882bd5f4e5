package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Merge order and vocabulary switches of byte-level BPE on hand-made vocabularies. */
class BpeTokenizerTest {

    @Test
    void mergesApplyInRankOrderNotLeftToRight() {
        VocabBuilder v = VocabBuilder.bpe("gpt-2").byteAlphabet().normal("bc", "ab").merge("b", "c").merge("a", "b");
        Tokenizer tok = v.build();
        // "bc" has rank 0, so "abc" becomes a + bc although "ab" is further left
        assertThat(tok.encode("abc")).containsExactly(v.idOf("a"), v.idOf("bc"));
    }

    @Test
    void overlappingPairsOfTheSameMergeMergeLeftmostFirst() {
        VocabBuilder v = VocabBuilder.bpe("gpt-2").byteAlphabet().normal("aa").merge("a", "a");
        Tokenizer tok = v.build();
        assertThat(tok.encode("aaa")).containsExactly(v.idOf("aa"), v.idOf("a"));
    }

    @Test
    void llama3StyleVocabulariesTakeAWholeWordTokenWithoutMerging() {
        // "hello" is a token but no merge path leads to it
        VocabBuilder v = VocabBuilder.bpe("llama-bpe").byteAlphabet().normal("hello")
                .set("tokenizer.ggml.bos_token_id", hearth.engine.gguf.GgufValue.ofUInt32(0));
        Tokenizer tok = v.build();
        assertThat(tok.encode("hello")).containsExactly(v.idOf("hello"));
        assertThat(tok.encode("hello", true, false)).containsExactly(0, v.idOf("hello"));
        VocabBuilder plain = VocabBuilder.bpe("gpt-2").byteAlphabet().normal("hello");
        assertThat(plain.build().encode("hello")).hasSize(5);
    }

    @Test
    void spacesArePartOfTheFollowingWordInByteSpelling() {
        VocabBuilder v = VocabBuilder.bpe("gpt-2").byteAlphabet().normal("\u0120a").merge("\u0120", "a");
        Tokenizer tok = v.build();
        assertThat(tok.encode("a a")).containsExactly(v.idOf("a"), v.idOf("\u0120a"));
    }

    @Test
    void newlineIsTheFirstTokenOfALineFeed() {
        Tokenizer tok = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-gpt-2.gguf");
        assertThat(tok.tokenText(tok.newline())).isEqualTo("\u010A");
    }
}
