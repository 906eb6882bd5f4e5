package hearth.bench.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LengthRangeTest {
    @Test
    void aSingleNumberIsAFixedLength() {
        assertThat(LengthRange.parse("128")).isEqualTo(new LengthRange(128, 128));
        assertThat(LengthRange.parse("128").sample(new SplittableRandom(1))).isEqualTo(128);
    }

    @Test
    void aRangeIsSampledUniformlyInclusive() {
        LengthRange r = LengthRange.parse("100:102");
        SplittableRandom rnd = new SplittableRandom(1);
        int[] seen = new int[3];
        for (int i = 0; i < 300; i++) seen[r.sample(rnd) - 100]++;
        for (int n : seen) assertThat(n).isBetween(60, 140);
        assertThat(r.toString()).isEqualTo("100:102");
    }

    @Test
    void malformedLengthsAreRefusedWithTheSyntax() {
        assertThatThrownBy(() -> LengthRange.parse("abc")).hasMessageContaining("N or MIN:MAX");
        assertThatThrownBy(() -> LengthRange.parse("200:100")).hasMessageContaining("MIN <= MAX");
        assertThatThrownBy(() -> LengthRange.parse("-1")).hasMessageContaining("MIN:MAX");
    }
}
