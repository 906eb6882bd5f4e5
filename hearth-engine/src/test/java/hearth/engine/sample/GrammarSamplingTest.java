package hearth.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.grammar.Grammar;
import hearth.engine.grammar.GrammarMatcher;
import hearth.engine.grammar.JsonSchemaGrammar;
import hearth.engine.grammar.TokenIndex;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampler under a grammar: only allowed tokens, the best allowed one when greedy, and the grammar moves on. */
class GrammarSamplingTest {
    // a small vocabulary: single characters, some multi-character pieces, an end token
    private static final String[] PIECES = {"{", "}", "\"", ":", ",", " ", "a", "b", "1", "2", "\"a\"", "{\"", "\":", "true", "x", "}}", "null"};
    private static final int EOG = PIECES.length;
    private static final int VOCAB = PIECES.length + 1;
    private static final TokenIndex INDEX;

    static {
        byte[][] bytes = new byte[VOCAB][];
        for (int i = 0; i < PIECES.length; i++) bytes[i] = PIECES[i].getBytes(StandardCharsets.UTF_8);
        INDEX = TokenIndex.of(bytes, new int[] {EOG});
    }

    private static final Grammar OBJECT = JsonSchemaGrammar.fromSchema(Map.of(
            "type", "object", "properties", Map.of("a", Map.of("type", "integer")), "required", java.util.List.of("a")));

    private static boolean allowed(GrammarMatcher m, int t) {
        return t == EOG ? m.isAccepting() : m.accepts(PIECES[t].getBytes(StandardCharsets.UTF_8));
    }

    private static float[] randomLogits(SplittableRandom rnd) {
        float[] l = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) l[i] = (float) rnd.nextGaussian() * 4f;
        return l;
    }

    @Test
    void greedyPicksTheHighestScoringAllowedToken() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int run = 0; run < 30; run++) {
            Sampler s = new Sampler(SamplingParams.GREEDY.withGrammar(OBJECT), VOCAB, INDEX);
            GrammarMatcher m = OBJECT.matcher();
            StringBuilder text = new StringBuilder();
            for (int step = 0; step < 40; step++) {
                float[] logits = randomLogits(rnd);
                int best = -1;
                for (int t = 0; t < VOCAB; t++) if (allowed(m, t) && (best < 0 || logits[t] > logits[best])) best = t;
                int t = s.sample(logits.clone());
                assertThat(t).isEqualTo(best);
                if (t == EOG) break;
                text.append(PIECES[t]);
                m.advance(PIECES[t].getBytes(StandardCharsets.UTF_8));
                if (s.constraint().complete()) break;
            }
            assertThat(OBJECT.isPrefix(text.toString())).isTrue();
        }
    }

    @Test
    void temperatureSamplingDrawsOnlyAllowedTokensEvenWhenTopKHasNone() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int topK : new int[] {0, 1, 3, 40}) {
            var p = new SamplingParams(1.5f, topK, 0.9f, 0.0f, 1f, 64, 0f, 0f, 5L, Map.of(), 0).withGrammar(OBJECT);
            for (int run = 0; run < 20; run++) {
                Sampler s = new Sampler(p, VOCAB, INDEX);
                GrammarMatcher m = OBJECT.matcher();
                for (int step = 0; step < 40 && !s.constraint().complete(); step++) {
                    int t = s.sample(randomLogits(rnd));
                    assertThat(allowed(m, t)).as("top-k %d: token %d", topK, t).isTrue();
                    if (t == EOG) break;
                    m.advance(PIECES[t].getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void theSampledSentenceIsCompleteWhenTheGrammarSaysSo() {
        Sampler s = new Sampler(SamplingParams.defaults().withSeed(3L).withGrammar(OBJECT), VOCAB, INDEX);
        StringBuilder text = new StringBuilder();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int step = 0; step < 200 && !s.constraint().complete(); step++) {
            int t = s.sample(randomLogits(rnd));
            if (t == EOG) break;
            text.append(PIECES[t]);
        }
        assertThat(OBJECT.matches(text.toString())).as(text.toString()).isTrue();
    }

    @Test
    void noTokenWhenTheBiasBansEverythingTheGrammarAllows() {
        Grammar onlyX = Grammar.parse("root ::= \"x\"");
        var p = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L, Map.of(14, Float.NEGATIVE_INFINITY), 0).withGrammar(onlyX);
        assertThat(new Sampler(p, VOCAB, INDEX).sample(new float[VOCAB])).isEqualTo(Sampler.NO_TOKEN);
        assertThat(new Sampler(p.withTemperature(1f), VOCAB, INDEX).sample(new float[VOCAB])).isEqualTo(Sampler.NO_TOKEN);
    }

    @Test
    void aGrammarNeedsTheTokenIndex() {
        assertThatThrownBy(() -> new Sampler(SamplingParams.GREEDY.withGrammar(OBJECT), VOCAB))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theElevenArgumentConstructorMeansNoGrammarAndCopiesKeepTheGrammar() {
        var p = new SamplingParams(0.7f, 20, 0.9f, 0.1f, 1.1f, 32, 0.2f, 0.3f, 9L, Map.of(1, 2f), 3);
        assertThat(p.grammar()).isNull();
        var g = p.withGrammar(OBJECT);
        assertThat(g.grammar()).isSameAs(OBJECT);
        assertThat(g.withGrammar(null)).isEqualTo(p);
        assertThat(g.withSeed(4L).withTemperature(0.1f).withTopLogprobs(1).grammar()).isSameAs(OBJECT);
        assertThat(g.withSeed(4L).topK()).isEqualTo(20);
    }
}
