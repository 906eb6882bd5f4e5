package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void sizesUseBinaryMultipliers() {
        assertThat(Units.bytes("1024")).isEqualTo(1024);
        assertThat(Units.bytes("512M")).isEqualTo(512L << 20);
        assertThat(Units.bytes("8G")).isEqualTo(8L << 30);
        assertThat(Units.bytes("8gb")).isEqualTo(8L << 30);
        assertThat(Units.bytes("1.5GiB")).isEqualTo(3L << 29);
        assertThat(Units.bytes("2T")).isEqualTo(2L << 40);
        assertThatThrownBy(() -> Units.bytes("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.bytes("-1G")).hasMessageContaining("not a size");
    }

    @Test
    void durationsDefaultToSeconds() {
        assertThat(Units.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Units.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Units.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Units.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> Units.duration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void humanSizesReadInBinaryUnits() {
        assertThat(Units.human(1023)).isEqualTo("1023 B");
        assertThat(Units.human(3L << 29)).isEqualTo("1.5 GiB");
    }
}
