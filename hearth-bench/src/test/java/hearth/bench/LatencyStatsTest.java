package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Percentiles follow numpy's linear interpolation, as vLLM's figures do. */
class LatencyStatsTest {
    @Test
    void percentilesInterpolateLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [50, 90, 99]) == [3.0, 7.6, 9.76]
        LatencyStats s = LatencyStats.of(new double[] {4, 1, 10, 3, 2});
        assertThat(s.median()).isEqualTo(3.0);
        assertThat(s.p90()).isCloseTo(7.6, within(1e-12));
        assertThat(s.p99()).isCloseTo(9.76, within(1e-12));
        assertThat(s.mean()).isEqualTo(4.0);
        assertThat(s.std()).isCloseTo(Math.sqrt(10.0), within(1e-12)); // numpy.std (population)
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(10);
    }

    @Test
    void nanSamplesAreLeftOut() {
        LatencyStats s = LatencyStats.of(new double[] {Double.NaN, 5, Double.NaN});
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.p99()).isEqualTo(5);
    }

    @Test
    void noSamplesGiveNaNFigures() {
        assertThat(LatencyStats.of(new double[0])).isEqualTo(LatencyStats.EMPTY);
        assertThat(LatencyStats.EMPTY.mean()).isNaN();
    }
}
