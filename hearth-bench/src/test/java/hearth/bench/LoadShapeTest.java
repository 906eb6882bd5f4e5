package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Arrival gaps have mean 1/rate and squared coefficient of variation 1/burstiness, as in vLLM. */
class LoadShapeTest {
    static double[] meanAndCv2(LoadShape.Poisson p, int n) {
        SplittableRandom rnd = new SplittableRandom(42);
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double g = p.nextGapNanos(rnd) / 1e9;
            sum += g;
            sq += g * g;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        return new double[] {mean, var / (mean * mean)};
    }

    @Test
    void poissonGapsAreExponential() {
        double[] m = meanAndCv2(new LoadShape.Poisson(4, 1, 0), 50_000);
        assertThat(m[0]).isCloseTo(0.25, within(0.005));
        assertThat(m[1]).isCloseTo(1.0, within(0.05));
    }

    @Test
    void burstinessBelowOneMakesGapsMoreVariableAndAboveOneMoreRegular() {
        double[] bursty = meanAndCv2(new LoadShape.Poisson(10, 0.25, 0), 50_000);
        assertThat(bursty[0]).isCloseTo(0.1, within(0.004));
        assertThat(bursty[1]).isCloseTo(4.0, within(0.4));
        double[] steady = meanAndCv2(new LoadShape.Poisson(10, 4, 0), 50_000);
        assertThat(steady[0]).isCloseTo(0.1, within(0.002));
        assertThat(steady[1]).isCloseTo(0.25, within(0.02));
    }

    @Test
    void anInfiniteRateSendsEverythingAtOnce() {
        assertThat(new LoadShape.Poisson(Double.POSITIVE_INFINITY, 1, 0).nextGapNanos(new SplittableRandom(1))).isZero();
        assertThat(new LoadShape.Poisson(Double.POSITIVE_INFINITY, 1, 0).describe()).isEqualTo("request rate inf/s");
    }

    @Test
    void nonsenseShapesAreRefused() {
        assertThatThrownBy(() -> new LoadShape.Closed(0)).hasMessageContaining("concurrency must be >= 1");
        assertThatThrownBy(() -> new LoadShape.Poisson(0, 1, 0)).hasMessageContaining("request rate must be > 0");
        assertThatThrownBy(() -> new LoadShape.Poisson(1, 0, 0)).hasMessageContaining("burstiness");
    }
}
