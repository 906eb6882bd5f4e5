package hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.TestData;
import hearth.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Token-level masks: the vocabulary-trie walk allows exactly the tokens that checking one by one allows. */
class TokenConstraintTest {
    private static final Object SCHEMA = JsonSchemaGrammarTest.schema("""
            {"type":"object","properties":{"name":{"type":"string","maxLength":6},"n":{"type":"integer"},
             "tags":{"type":"array","items":{"enum":["α","β"]},"maxItems":2},"ok":{"type":"boolean"}},"required":["name"]}""");

    /**
     * All 256 single bytes (like a byte-fallback vocabulary, so any text can be spelled), then random tokens over
     * JSON-ish characters, including multi-byte characters and their separate bytes.
     */
    static byte[][] syntheticVocab(int size, long seed) {
        String[] atoms = {"{", "}", "\"", ":", ",", " ", "\n", "[", "]", "a", "b", "e", "n", "m", "t", "r", "u", "1", "0", "-", ".", "α", "β", "\\", "true", "name"};
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] v = new byte[size][];
        for (int i = 0; i < 256; i++) v[i] = new byte[] {(byte) i};
        for (int i = 256; i < size; i++) {
            if (i % 97 == 5) continue; // a token that can never match (control-like)
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(4);
            for (int k = 0; k < len; k++) sb.append(atoms[rnd.nextInt(atoms.length)]);
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            if (i % 13 == 0 && b.length > 1) b = new byte[] {b[0]}; // single bytes, possibly half a character
            v[i] = b;
        }
        v[size - 1] = null; // the end-of-generation token
        return v;
    }

    /** Drives a constraint with random allowed tokens, comparing the trie mask with a token-by-token check each step. */
    private static int compareMasks(TokenIndex index, byte[][] bytes, int eog, Grammar g, GrammarMatcher checker, long seed, int steps) {
        TokenConstraint c = new TokenConstraint(g, index);
        SplittableRandom rnd = new SplittableRandom(seed);
        int compared = 0;
        for (int step = 0; step < steps && !c.complete(); step++) {
            long[] mask = c.allowed();
            List<Integer> allowed = new ArrayList<>();
            for (int t = 0; t < bytes.length; t++) {
                boolean expected = t == eog ? checker.isAccepting() : bytes[t] != null && checker.accepts(bytes[t]);
                boolean actual = (mask[t >>> 6] >>> t & 1L) != 0;
                assertThat(actual).as("token %d at step %d", t, step).isEqualTo(expected);
                assertThat(c.allows(t)).isEqualTo(expected);
                if (expected) allowed.add(t);
                compared++;
            }
            assertThat(allowed).as("some token is always allowed").isNotEmpty();
            int pick = allowed.get(rnd.nextInt(allowed.size()));
            c.accept(pick);
            if (pick == eog) break;
            assertThat(checker.advance(bytes[pick])).isTrue();
        }
        return compared;
    }

    @Test
    void trieMaskEqualsTokenByTokenChecksOnASyntheticVocabulary() {
        byte[][] vocab = syntheticVocab(3000, 1);
        TokenIndex index = TokenIndex.of(vocab, new int[] {vocab.length - 1});
        Grammar g = JsonSchemaGrammar.fromSchema(SCHEMA);
        for (long seed = 0; seed < 6; seed++) {
            assertThat(compareMasks(index, vocab, vocab.length - 1, g, g.matcher(), seed, 60)).isGreaterThan(0);
        }
    }

    @Test
    void trieMaskEqualsTokenByTokenChecksOnTheLlamaVocabulary() throws Exception {
        Tokenizer tok = Tokenizer.fromGguf(TestData.require("models/llama-2-tiny-random.gguf"));
        int n = tok.vocabularySize();
        TokenIndex index = TokenIndex.of(tok, n);
        byte[][] bytes = new byte[n][];
        for (int t = 0; t < n; t++) bytes[t] = index.bytes(t);
        Grammar g = JsonSchemaGrammar.fromSchema(SCHEMA);
        compareMasks(index, bytes, tok.eos(), g, g.matcher(), 3, 12);
    }

    @Test
    void endOfGenerationIsAllowedOnlyWhereTheGrammarMayEnd() {
        byte[][] vocab = {"a".getBytes(), "b".getBytes(), null};
        TokenIndex index = TokenIndex.of(vocab, new int[] {2});
        TokenConstraint c = new TokenConstraint(Grammar.parse("root ::= \"a\" \"b\"?"), index);
        assertThat(c.allows(2)).isFalse();
        c.accept(0);
        assertThat(c.allows(2)).isTrue();
        assertThat(c.allows(1)).isTrue();
        assertThat(c.complete()).isFalse();
        c.accept(1);
        assertThat(c.complete()).isTrue();
        assertThat(c.allowedCount()).isEqualTo(1);
        c.accept(2);
        assertThat(c.ended()).isTrue();
        assertThat(c.allows(0)).isFalse();
    }

    @Test
    void aTokenTheGrammarRejectsCannotBeAccepted() {
        byte[][] vocab = {"a".getBytes(), "b".getBytes(), null};
        TokenConstraint c = new TokenConstraint(Grammar.parse("root ::= \"a\""), TokenIndex.of(vocab, new int[] {2}));
        assertThatThrownBy(() -> c.accept(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.accept(2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void masksDropDisallowedLogitsToNegativeInfinity() {
        byte[][] vocab = {"{".getBytes(), "x".getBytes(), "{\"".getBytes(), null};
        TokenConstraint c = new TokenConstraint(JsonSchemaGrammar.anyObject(), TokenIndex.of(vocab, new int[] {3}));
        float[] logits = {1f, 2f, 3f, 4f, 5f}; // one more logit than tokens: ids past the vocabulary never match
        c.mask(logits, logits.length);
        assertThat(logits).containsExactly(1f, Float.NEGATIVE_INFINITY, 3f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    @Test
    void rebuildingTheCachesMidGenerationChangesNoAnswer() {
        Grammar g = Grammar.parse("root ::= \"[\" item (\",\" item)* \"]\"\nitem ::= [0-9]{1,3} | \"[\" item (\",\" item)* \"]\"");
        GrammarMatcher small = new GrammarMatcher(g, 64, 8);
        GrammarMatcher normal = g.matcher();
        String text = "[1,[22,[333,4],5],[6,[7,[8]]],99]";
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            for (int probe = 0; probe < 256; probe++) {
                byte[] one = {(byte) probe};
                assertThat(small.accepts(one)).isEqualTo(normal.accepts(one));
            }
            assertThat(small.advance(new byte[] {b})).isTrue();
            assertThat(normal.advance(new byte[] {b})).isTrue();
            assertThat(small.cachedStates()).isLessThanOrEqualTo(8 + 256);
        }
        assertThat(small.isAccepting()).isTrue();
        assertThat(normal.isAccepting()).isTrue();
    }
}
