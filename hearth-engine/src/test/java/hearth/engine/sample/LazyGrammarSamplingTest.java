package hearth.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.grammar.Grammar;
import hearth.engine.grammar.TokenIndex;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampler under a lazy grammar: unconstrained until the trigger, a wrong start of a call redrawn, then constrained. */
class LazyGrammarSamplingTest {
    private static final String[] PIECES = {"a", "b", " ", "<", "c>", "<c>", "<c>z", "1", "2", "z"};
    private static final int EOG = PIECES.length;
    private static final int VOCAB = PIECES.length + 1;
    private static final TokenIndex INDEX;

    static {
        byte[][] bytes = new byte[VOCAB][];
        for (int i = 0; i < PIECES.length; i++) bytes[i] = PIECES[i].getBytes(StandardCharsets.UTF_8);
        INDEX = TokenIndex.of(bytes, new int[] {EOG});
    }

    private static final Grammar CALL = Grammar.parse("root ::= \"<c>\" [12]{1,4} \"z\"").lazy(List.of("<c>"));

    private static float[] logits(SplittableRandom rnd) {
        float[] l = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) l[i] = (float) rnd.nextGaussian() * 3f;
        l[EOG] -= 6f; // long enough runs to meet the trigger
        return l;
    }

    @Test
    void untilTheTriggerTheTokensAreThoseOfUnconstrainedSampling() {
        for (long seed = 1; seed <= 40; seed++) {
            SamplingParams p = SamplingParams.defaults().withTemperature(1.2f).withSeed(seed);
            Sampler free = new Sampler(p, VOCAB);
            Sampler lazy = new Sampler(p.withGrammar(CALL), VOCAB, INDEX);
            SplittableRandom rnd = new SplittableRandom(seed);
            StringBuilder text = new StringBuilder();
            for (int step = 0; step < 60 && lazy.constraint().waiting(); step++) {
                float[] l = logits(rnd);
                int expected = free.sample(l.clone());
                int got = lazy.sample(l.clone());
                if (expected == 6) { // "<c>z" starts a wrong call: the lazy sampler drew another token instead
                    assertThat(got).isNotEqualTo(6);
                    break;
                }
                assertThat(got).isEqualTo(expected);
                if (got == EOG) break;
                text.append(PIECES[got]);
                assertThat(lazy.constraint().waiting()).isEqualTo(!text.toString().contains("<c>"));
            }
        }
    }

    @Test
    void afterTheTriggerEveryGenerationFinishesACall() {
        int calls = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Sampler s = new Sampler(SamplingParams.defaults().withTemperature(1f).withSeed(seed).withGrammar(CALL), VOCAB, INDEX);
            SplittableRandom rnd = new SplittableRandom(seed * 31);
            StringBuilder text = new StringBuilder();
            for (int step = 0; step < 200 && !s.constraint().complete(); step++) {
                int t = s.sample(logits(rnd));
                if (t == EOG) break;
                text.append(PIECES[t]);
            }
            int at = text.indexOf("<c>");
            if (at < 0) continue;
            calls++;
            assertThat(text.substring(at)).as(text.toString()).matches("<c>[12]{1,4}z");
            assertThat(s.constraint().complete()).isTrue();
        }
        assertThat(calls).as("runs that started a call").isGreaterThan(10);
    }

    @Test
    void greedyTakesTheNextBestTokenWhenTheBestStartsAWrongCall() {
        Sampler s = new Sampler(SamplingParams.GREEDY.withGrammar(CALL), VOCAB, INDEX);
        float[] l = new float[VOCAB];
        l[6] = 9f; // "<c>z"
        l[5] = 8f; // "<c>"
        l[0] = 7f;
        assertThat(s.sample(l)).isEqualTo(5);
        assertThat(s.constraint().waiting()).isFalse();
    }
}
