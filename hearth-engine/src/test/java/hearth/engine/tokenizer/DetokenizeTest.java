package hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token ids back to text: round trips over the reference test strings, the SPM space rule and space clean-up. */
class DetokenizeTest {

    /**
     * Every vocabulary except WordPiece (which lower-cases and drops accents) spells each test string back exactly:
     * the pieces concatenate to the input (plus the SPM prefix space), and a whole-sequence decode gives the input
     * itself where the vocabulary does not clean up spaces.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "phi-3", "deepseek-coder", "deepseek-llm", "falcon", "gpt-2", "mpt", "refact", "starcoder"})
    void testStringsRoundTrip(String name) throws Exception {
        String base = "tokenizer/ggml-vocab-" + name + ".gguf";
        Tokenizer tok = TokenizerTestSupport.tokenizer(base);
        boolean spm = tok.vocabulary().options().addSpacePrefix();
        List<String> failures = new ArrayList<>();
        for (TokenizerTestSupport.Vector v : TokenizerTestSupport.vectors(TestData.require(base + ".inp"), TestData.require(base + ".out"))) {
            int[] ids = tok.encode(v.text(), false, false);
            StringBuilder pieces = new StringBuilder();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (int id : ids) bytes.writeBytes(tok.piece(id, false));
            pieces.append(bytes.toString(StandardCharsets.UTF_8));
            String expectedPieces = spm && !v.text().isEmpty() ? " " + v.text() : v.text();
            if (!pieces.toString().equals(expectedPieces)) failures.add("pieces #" + v.index());
            String decoded = tok.decode(ids);
            String expected = tok.vocabulary().options().cleanSpaces()
                    ? new String(Detokenizer.cleanSpaces(v.text().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8) : v.text();
            if (!decoded.equals(expected)) failures.add("decode #" + v.index() + " '" + TokenizerTestSupport.escape(decoded) + "'");
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void cleanUpRemovesSpacesBeforePunctuationAndSomeContractions() {
        assertThat(clean("Hello , world ! ok . yes ?")).isEqualTo("Hello, world! ok. yes?");
        assertThat(clean("it 's I 'm we 're you 've")).isEqualTo("it's I'm we're you've");
        assertThat(clean("don 't he 'd we 'll")).isEqualTo("don 't he 'd we 'll");
        assertThat(clean("rock ' n roll")).isEqualTo("rock'n roll");
        assertThat(clean(" ,")).isEqualTo(",");
        assertThat(clean("")).isEmpty();
    }

    private static String clean(String s) {
        return new String(Detokenizer.cleanSpaces(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void spmDropsTheAddedSpaceUnlessABosWasRemoved() {
        Tokenizer tok = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-llama-spm.gguf");
        int[] withBos = tok.encode("Hello world", true, false);
        assertThat(tok.decode(Arrays.copyOfRange(withBos, 1, withBos.length))).isEqualTo("Hello world");
        assertThat(tok.decode(withBos, false, false)).isEqualTo(" Hello world");
        assertThat(tok.decode(withBos, false, true)).isEqualTo("<s> Hello world");
        assertThat(tok.decode(withBos, true, false)).isEqualTo(" Hello world");
    }

    @Test
    void wordPieceDecodesToNormalizedText() {
        Tokenizer bert = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-bert-bge.gguf");
        assertThat(bert.decode(bert.encode("Hello World!"))).isEqualTo(" hello world!");
        assertThat(bert.decode(bert.encode("Führer"))).isEqualTo(" fuhrer");
    }

    @Test
    void byteLevelPiecesAreTheOriginalBytes() {
        Tokenizer gpt2 = TokenizerTestSupport.tokenizer("tokenizer/ggml-vocab-gpt-2.gguf");
        assertThat(gpt2.tokenBytes(gpt2.tokenId("\u0120world"))).containsExactly(" world".getBytes(StandardCharsets.UTF_8));
        assertThat(gpt2.tokenBytes(gpt2.eos())).containsExactly("<|endoftext|>".getBytes(StandardCharsets.UTF_8));
        assertThat(gpt2.piece(gpt2.eos(), false)).isEmpty();
    }
}
