package hearth.server.router;

import static hearth.server.router.FakeModels.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.server.router.ModelRouter.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterEvictionTest {
    @TempDir
    Path dir;

    @Test
    void withRoomForTwoTheLeastRecentlyUsedIdleModelIsUnloaded() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b", "c");
        try (var r = f.router(RouterLimits.defaults().withMaxModels(2))) {
            r.acquire("a").close();
            r.acquire("b").close();
            r.acquire("a").close();  // b is now the least recently used
            r.acquire("c").close();

            assertThat(state(r, "a")).isEqualTo(State.LOADED);
            assertThat(state(r, "b")).isEqualTo(State.UNLOADED);
            assertThat(state(r, "c")).isEqualTo(State.LOADED);
            assertThat(f.last("b").closed).isTrue();
            assertThat(f.last("a").closed).isFalse();
        }
    }

    @Test
    void aModelWithARequestInFlightIsNeverEvicted() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b", "c");
        try (var r = f.router(RouterLimits.defaults().withMaxModels(2).withRoomWait(Duration.ofSeconds(5)))) {
            var a = r.acquire("a");
            var b = r.acquire("b");
            CompletableFuture<String> c = CompletableFuture.supplyAsync(() -> {
                try (var lease = r.acquire("c")) {
                    return lease.backend().id;
                }
            });
            Thread.sleep(300);
            assertThat(c).isNotDone();
            assertThat(state(r, "c")).isEqualTo(State.LOADING);
            assertThat(f.opened).noneMatch(m -> m.closed);

            b.close();  // b is idle now, and the only one that may go
            assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("c");
            assertThat(state(r, "b")).isEqualTo(State.UNLOADED);
            assertThat(f.last("a").closed).isFalse();
            a.close();
        }
    }

    @Test
    void twoLoadsWaitingForRoomDoNotBlockEachOther() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b", "c", "d");
        try (var r = f.router(RouterLimits.defaults().withMaxModels(2).withRoomWait(Duration.ofSeconds(5)))) {
            var a = r.acquire("a");
            var b = r.acquire("b");
            CompletableFuture<String> c = CompletableFuture.supplyAsync(() -> {
                try (var lease = r.acquire("c")) {
                    return lease.backend().id;
                }
            });
            CompletableFuture<String> d = CompletableFuture.supplyAsync(() -> {
                try (var lease = r.acquire("d")) {
                    return lease.backend().id;
                }
            });
            FakeModels.await(() -> state(r, "c") == State.LOADING && state(r, "d") == State.LOADING);
            a.close();
            b.close();
            assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("c");
            assertThat(d.get(5, TimeUnit.SECONDS)).isEqualTo("d");
            assertThat(r.loaded()).hasSize(2);  // which two depends on the order the requests ended: LRU decides
            assertThat(f.loads).containsSubsequence("a", "b").contains("c", "d");
        }
    }

    @Test
    void aLoadThatFindsNoRoomInTimeFailsAndLeavesTheBusyModelsAlone() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b");
        try (var r = f.router(RouterLimits.defaults().withMaxModels(1).withRoomWait(Duration.ofMillis(200)))) {
            try (var a = r.acquire("a")) {
                assertThatThrownBy(() -> r.acquire("b")).isInstanceOfSatisfying(RouterException.class,
                        e -> assertThat(e.kind()).isEqualTo(RouterException.Kind.LOAD_FAILED)).hasMessageContaining("1 loaded model is busy");
                assertThat(a.backend().closed).isFalse();
            }
        }
    }

    @Test
    void theMemoryBudgetEvictsAsManyAsNeeded() throws Exception {
        FakeModels f = new FakeModels(dir, "small1", "small2", "big");
        f.sizes.put("small1", 300L);
        f.sizes.put("small2", 300L);
        f.sizes.put("big", 900L);
        try (var r = f.router(RouterLimits.defaults().withMemory(1000))) {
            r.acquire("small1").close();
            r.acquire("small2").close();
            assertThat(r.memoryInUse()).isEqualTo(600);
            r.acquire("big").close();
            assertThat(r.loaded().keySet()).containsExactly("big");
            assertThat(r.memoryInUse()).isEqualTo(900);
        }
    }

    @Test
    void aModelLargerThanTheBudgetFailsWithTheReason() throws Exception {
        FakeModels f = new FakeModels(dir, "huge");
        f.sizes.put("huge", 2000L);
        try (var r = f.router(RouterLimits.defaults().withMemory(1000))) {
            assertThatThrownBy(() -> r.acquire("huge")).hasMessageContaining("more than --models-memory");
        }
    }

    @Test
    void pinnedModelsAreNotEvicted() throws Exception {
        FakeModels f = new FakeModels(dir, "p", "a", "b");
        Files.writeString(dir.resolve("models.toml"), "[p]\npinned = true\n");
        try (var r = f.router(RouterLimits.defaults().withMaxModels(2))) {
            r.loadPinned();
            FakeModels.await(() -> state(r, "p") == State.LOADED);
            r.acquire("a").close();
            r.acquire("b").close();
            assertThat(r.loaded().keySet()).containsExactlyInAnyOrder("p", "b");
        }
    }

    @Test
    void idleModelsAreUnloadedAfterTheirTtlUnlessPinnedOrBusy() throws Exception {
        FakeModels f = new FakeModels(dir, "short", "held", "keep");
        Files.writeString(dir.resolve("models.toml"), "[short]\nidle-ttl = \"150ms\"\n[held]\nidle-ttl = \"150ms\"\n[keep]\nidle-ttl = 0\n");
        try (var r = f.router(RouterLimits.defaults().withIdleTtl(Duration.ofMillis(150)))) {
            var events = r.events().subscribe();
            r.acquire("short").close();
            r.acquire("keep").close();
            try (var held = r.acquire("held")) {
                FakeModels.await(() -> state(r, "short") == State.UNLOADED);
                Thread.sleep(300);
                assertThat(state(r, "held")).isEqualTo(State.LOADED);
                assertThat(held.backend().closed).isFalse();
            }
            FakeModels.await(() -> state(r, "held") == State.UNLOADED);
            assertThat(state(r, "keep")).isEqualTo(State.LOADED);
            assertThat(r.events().recent()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo("unloaded");
                assertThat(e.model()).isEqualTo("short");
                assertThat(e.data()).containsEntry("reason", "idle");
            });
            events.close();
        }
    }

    @Test
    void anAdminUnloadIsRefusedWhileBusyAndDoneWhenIdle() throws Exception {
        FakeModels f = new FakeModels(dir, "a");
        try (var r = f.router(RouterLimits.defaults())) {
            try (var lease = r.acquire("a")) {
                assertThatThrownBy(() -> r.unload("a")).isInstanceOfSatisfying(RouterException.class,
                        e -> assertThat(e.kind()).isEqualTo(RouterException.Kind.BUSY)).hasMessageContaining("1 request(s) in flight");
            }
            assertThat(r.unload("a")).isTrue();
            assertThat(r.unload("a")).isFalse();
            assertThat(f.last("a").closed).isTrue();
        }
    }

    @Test
    void eventsTellLoadingLoadedUnloadingUnloadedInOrder() throws Exception {
        FakeModels f = new FakeModels(dir, "a");
        try (var r = f.router(RouterLimits.defaults())) {
            var sub = r.events().subscribe();
            r.acquire("a").close();
            r.unload("a");
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 4; i++) seen.append(sub.next(2, TimeUnit.SECONDS).type()).append(' ');
            assertThat(seen.toString().strip()).isEqualTo("loading loaded unloading unloaded");
            sub.close();
        }
    }
}
