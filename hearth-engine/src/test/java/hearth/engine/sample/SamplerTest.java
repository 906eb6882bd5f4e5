package hearth.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static SamplingParams params(float temp, int topK, float topP, float minP) {
        return new SamplingParams(temp, topK, topP, minP, 1f, 64, 0f, 0f, 7L, Map.of(), 0);
    }

    private static float[] logits() {
        return new float[] {1f, 3f, 2f, 0.5f, 2.9f};
    }

    @Test
    void greedyPicksTheLargestLogit() {
        assertThat(new Sampler(SamplingParams.GREEDY, 5).sample(logits())).isEqualTo(1);
    }

    @Test
    void logitBiasCanBanTheBestToken() {
        var p = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L, Map.of(1, Float.NEGATIVE_INFINITY), 0);
        assertThat(new Sampler(p, 5).sample(logits())).isEqualTo(4);
    }

    @Test
    void topKOneIsGreedyEvenAtHighTemperature() {
        Sampler s = new Sampler(params(5f, 1, 1f, 0f), 5);
        for (int i = 0; i < 50; i++) assertThat(s.sample(logits())).isEqualTo(1);
    }

    @Test
    void topKLimitsTheCandidates() {
        Sampler s = new Sampler(params(10f, 2, 1f, 0f), 5);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) seen.add(s.sample(logits()));
        assertThat(seen).containsExactlyInAnyOrder(1, 4);
    }

    @Test
    void minPDropsUnlikelyTokens() {
        // probabilities at T=1: token 1 ~0.40, token 4 ~0.36, token 2 ~0.15, token 0 ~0.05, token 3 ~0.03
        Sampler s = new Sampler(params(1f, 0, 1f, 0.3f), 5);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) seen.add(s.sample(logits()));
        assertThat(seen).containsExactlyInAnyOrder(1, 4, 2);
    }

    @Test
    void samplingFollowsTheSoftmaxDistribution() {
        Sampler s = new Sampler(params(1f, 0, 1f, 0f), 5);
        Map<Integer, Integer> counts = new HashMap<>();
        int n = 20000;
        for (int i = 0; i < n; i++) counts.merge(s.sample(logits()), 1, Integer::sum);
        double z = 0;
        for (float l : logits()) z += Math.exp(l);
        for (int t = 0; t < 5; t++) {
            double expected = Math.exp(logits()[t]) / z;
            assertThat(counts.getOrDefault(t, 0) / (double) n).as("token %d", t).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.015));
        }
    }

    @Test
    void sameSeedSameSequence() {
        Sampler a = new Sampler(params(1f, 0, 1f, 0f), 5);
        Sampler b = new Sampler(params(1f, 0, 1f, 0f), 5);
        for (int i = 0; i < 100; i++) assertThat(a.sample(logits())).isEqualTo(b.sample(logits()));
    }

    @Test
    void repetitionPenaltyTurnsGreedyAwayFromASeenToken() {
        var p = new SamplingParams(0f, 0, 1f, 0f, 2f, 64, 0f, 0f, 0L, Map.of(), 0);
        Sampler s = new Sampler(p, 5);
        s.accept(1);
        assertThat(s.sample(logits())).isEqualTo(4); // 3/2 = 1.5 < 2.9
    }

    @Test
    void frequencyAndPresencePenaltiesSubtractPerOccurrence() {
        var p = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0.05f, 0.1f, 0L, Map.of(), 0);
        Sampler s = new Sampler(p, 5);
        s.accept(1);
        s.accept(1);
        float[] l = logits();
        s.sample(l);
        assertThat(l[1]).isCloseTo(3f - 2 * 0.1f - 0.05f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(l[4]).isEqualTo(2.9f);
    }

    @Test
    void logprobsComeFromTheFullSoftmaxInDescendingOrder() {
        Logprobs lp = Logprobs.of(logits(), 5, 2, 3);
        double z = 0;
        for (float l : logits()) z += Math.exp(l);
        assertThat(lp.logprob()).isCloseTo((float) (2 - Math.log(z)), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(lp.top()).extracting(Logprobs.Alternative::token).containsExactly(1, 4, 2);
    }
}
