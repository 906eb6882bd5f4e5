package hearth.bench.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synthetic prompts: sized in tokens by the estimator, reproducible by seed, sharing only the asked-for prefix. */
class RandomWorkloadTest {
    static final TokenEstimator WORDS = new TokenEstimator(1 / 6.0, true); // about one token per word

    static List<Turn> take(Workload w, int n) {
        List<Turn> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(w.nextConversation().next(null));
        return out;
    }

    @Test
    void promptsHaveTheRequestedTokenLength() {
        var w = new RandomWorkload(LengthRange.fixed(200), LengthRange.fixed(64), 0, WORDS, 1);
        for (Turn t : take(w, 20)) {
            assertThat(t.promptTokens()).isBetween(190, 215);
            assertThat(t.outputTokens()).isEqualTo(64);
            assertThat(t.messages()).hasSize(1);
        }
    }

    @Test
    void rangesSpreadPromptAndOutputLengths() {
        var w = new RandomWorkload(LengthRange.parse("50:400"), LengthRange.parse("10:20"), 0, WORDS, 1);
        List<Turn> ts = take(w, 50);
        assertThat(ts.stream().mapToInt(Turn::promptTokens).max().getAsInt()
                - ts.stream().mapToInt(Turn::promptTokens).min().getAsInt()).isGreaterThan(200);
        assertThat(ts).allSatisfy(t -> assertThat(t.outputTokens()).isBetween(10, 20));
    }

    @Test
    void theSameSeedGivesTheSamePrompts() {
        var a = take(new RandomWorkload(LengthRange.fixed(50), LengthRange.fixed(8), 0, WORDS, 9), 5);
        var b = take(new RandomWorkload(LengthRange.fixed(50), LengthRange.fixed(8), 0, WORDS, 9), 5);
        var c = take(new RandomWorkload(LengthRange.fixed(50), LengthRange.fixed(8), 0, WORDS, 10), 5);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void promptsShareOnlyTheConfiguredPrefix() {
        var w = new RandomWorkload(LengthRange.fixed(100), LengthRange.fixed(8), 40, WORDS, 1);
        List<Turn> ts = take(w, 2);
        String a = ts.get(0).promptText(), b = ts.get(1).promptText();
        int common = 0;
        while (common < Math.min(a.length(), b.length()) && a.charAt(common) == b.charAt(common)) common++;
        assertThat(WORDS.estimate(a.substring(0, common))).isBetween(38, 48);
        var none = take(new RandomWorkload(LengthRange.fixed(100), LengthRange.fixed(8), 0, WORDS, 1), 2);
        assertThat(none.get(0).promptText().substring(0, 40)).isNotEqualTo(none.get(1).promptText().substring(0, 40));
    }
}
