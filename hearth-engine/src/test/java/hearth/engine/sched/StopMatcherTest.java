package hearth.engine.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {
    @Test
    void textWithoutStopStringsPassesStraightThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertThat(m.feed("abc")).isEqualTo(new StopMatcher.Result("abc", null));
    }

    @Test
    void stopStringSplitAcrossPiecesIsFoundAndNeverEmitted() {
        StopMatcher m = new StopMatcher(List.of("</end>"));
        assertThat(m.feed("hello </")).isEqualTo(new StopMatcher.Result("hello ", null));
        assertThat(m.feed("en")).isEqualTo(new StopMatcher.Result("", null));
        assertThat(m.feed("d> tail")).isEqualTo(new StopMatcher.Result("", "</end>"));
    }

    @Test
    void heldTextIsReleasedWhenItTurnsOutNotToBeAStop() {
        StopMatcher m = new StopMatcher(List.of("STOP"));
        assertThat(m.feed("ST")).isEqualTo(new StopMatcher.Result("", null));
        assertThat(m.feed("ART")).isEqualTo(new StopMatcher.Result("START", null));
    }

    @Test
    void earliestOfSeveralStopStringsWins() {
        StopMatcher m = new StopMatcher(List.of("world", "lo w"));
        assertThat(m.feed("hello world")).isEqualTo(new StopMatcher.Result("hel", "lo w"));
    }

    @Test
    void flushReturnsHeldPrefixAtTheEndOfTheStream() {
        StopMatcher m = new StopMatcher(List.of("\n\n"));
        assertThat(m.feed("line\n")).isEqualTo(new StopMatcher.Result("line", null));
        assertThat(m.flush()).isEqualTo("\n");
    }
}
