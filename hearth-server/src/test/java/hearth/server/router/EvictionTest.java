package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.router.Eviction.Evict;
import hearth.server.router.Eviction.Never;
import hearth.server.router.Eviction.Resident;
import hearth.server.router.Eviction.Wait;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionTest {
    static Resident idle(String id, long bytes, long lastUsed) {
        return new Resident(id, bytes, lastUsed, false, false, false);
    }

    static Resident busy(String id, long bytes, long lastUsed) {
        return new Resident(id, bytes, lastUsed, true, false, false);
    }

    static Resident pinned(String id, long bytes) {
        return new Resident(id, bytes, 0, false, false, true);
    }

    @Test
    void whenItFitsNothingIsEvicted() {
        assertThat(Eviction.plan(List.of(idle("a", 10, 1)), 10, 100, 2)).isEqualTo(new Evict(List.of()));
        assertThat(Eviction.plan(List.of(idle("a", 10, 1), idle("b", 10, 2)), 10, 0, 0)).isEqualTo(new Evict(List.of()));
    }

    @Test
    void theLeastRecentlyUsedIdleModelGoesFirstAndOnlyAsManyAsNeeded() {
        List<Resident> r = List.of(idle("new", 40, 30), idle("old", 40, 10), idle("mid", 40, 20));
        assertThat(Eviction.plan(r, 40, 130, 0)).isEqualTo(new Evict(List.of("old")));
        assertThat(Eviction.plan(r, 70, 130, 0)).isEqualTo(new Evict(List.of("old", "mid")));
        assertThat(Eviction.plan(r, 10, 0, 3)).isEqualTo(new Evict(List.of("old")));
    }

    @Test
    void aModelWithRequestsInFlightIsNeverEvicted() {
        List<Resident> r = List.of(busy("a", 10, 1), idle("b", 10, 5));
        assertThat(Eviction.plan(r, 10, 0, 2)).isEqualTo(new Evict(List.of("b")));
        assertThat(Eviction.plan(List.of(busy("a", 10, 1), busy("b", 10, 2)), 10, 0, 2)).isInstanceOf(Wait.class);
    }

    @Test
    void loadingModelsHoldTheirPlaceAndCannotGo() {
        Resident loading = new Resident("l", 50, 0, false, true, false);
        assertThat(Eviction.plan(List.of(loading), 60, 100, 0)).isEqualTo(new Wait("1 loaded model is busy or loading"));
    }

    @Test
    void pinnedModelsStayAndCanMakeALoadImpossible() {
        assertThat(Eviction.plan(List.of(pinned("p", 10), idle("a", 10, 1)), 10, 0, 2)).isEqualTo(new Evict(List.of("a")));
        assertThat(Eviction.plan(List.of(pinned("p", 10), pinned("q", 10)), 10, 0, 2)).isInstanceOf(Never.class);
        assertThat(Eviction.plan(List.of(pinned("p", 80)), 30, 100, 0)).isInstanceOf(Never.class);
    }

    @Test
    void aModelLargerThanTheWholeBudgetNeverFits() {
        assertThat(Eviction.plan(List.of(), 9L << 30, 8L << 30, 0))
                .isEqualTo(new Never("it needs 9.0 GiB, more than --models-memory 8.0 GiB"));
    }
}
