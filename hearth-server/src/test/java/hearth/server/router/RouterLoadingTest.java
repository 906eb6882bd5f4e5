package hearth.server.router;

import static hearth.server.router.FakeModels.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.server.router.ModelRouter.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterLoadingTest {
    @TempDir
    Path dir;

    @Test
    void aRequestForAnUnloadedModelLoadsItAndHoldsItWhileItRuns() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b");
        try (var r = f.router(RouterLimits.defaults())) {
            assertThat(r.statuses()).extracting(ModelStatus::state).containsExactly(State.UNLOADED, State.UNLOADED);
            try (var lease = r.acquire("a")) {
                assertThat(lease.backend().id).isEqualTo("a");
                assertThat(lease.entry().id()).isEqualTo("a");
                assertThat(r.statuses().getFirst().inFlight()).isEqualTo(1);
            }
            assertThat(state(r, "a")).isEqualTo(State.LOADED);
            assertThat(r.statuses().getFirst().inFlight()).isZero();
            try (var again = r.acquire("a")) {
                assertThat(again.backend()).isSameAs(f.last("a"));
            }
            assertThat(f.loads).containsExactly("a");
        }
    }

    @Test
    void aRequestWaitsBoundedForALoadingModelThenGetsRetryAfter() throws Exception {
        FakeModels f = new FakeModels(dir, "slow");
        f.hold("slow");
        try (var r = f.router(RouterLimits.defaults().withLoadWait(Duration.ofMillis(150)))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> r.acquire("slow")).isInstanceOfSatisfying(RouterException.class, e -> {
                assertThat(e.kind()).isEqualTo(RouterException.Kind.LOADING);
                assertThat(e.retryAfterSeconds()).isPositive();
            });
            assertThat((System.nanoTime() - t0) / 1e6).isBetween(140.0, 3000.0);
            assertThat(state(r, "slow")).isEqualTo(State.LOADING);
            f.open("slow");
            FakeModels.await(() -> state(r, "slow") == State.LOADED);
            try (var lease = r.acquire("slow")) {
                assertThat(lease.backend().closed).isFalse();
            }
            assertThat(f.loads).as("waiting requests share one load").containsExactly("slow");
        }
    }

    @Test
    void otherModelsKeepServingWhileOneLoads() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b");
        try (var r = f.router(RouterLimits.defaults())) {
            r.acquire("a").close();
            f.hold("b");
            CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> {
                try (var lease = r.acquire("b")) {
                    return lease.backend().id;
                }
            });
            FakeModels.await(() -> state(r, "b") == State.LOADING);
            long t0 = System.nanoTime();
            try (var lease = r.acquire("a")) {
                assertThat(lease.backend().id).isEqualTo("a");
            }
            assertThat((System.nanoTime() - t0) / 1e6).isLessThan(1000.0);
            f.open("b");
            assertThat(b.get()).isEqualTo("b");
        }
    }

    @Test
    void aFailedLoadIsReportedAndNotRetriedAtOnce() throws Exception {
        FakeModels f = new FakeModels(dir, "broken");
        f.failures.put("broken", "unsupported architecture 'mamba'");
        try (var r = f.router(RouterLimits.defaults())) {
            assertThatThrownBy(() -> r.acquire("broken")).isInstanceOfSatisfying(RouterException.class,
                    e -> assertThat(e.kind()).isEqualTo(RouterException.Kind.LOAD_FAILED)).hasMessageContaining("unsupported architecture 'mamba'");
            assertThatThrownBy(() -> r.acquire("broken")).hasMessageContaining("unsupported architecture 'mamba'");
            assertThat(f.loads).hasSize(1);
            assertThat(r.statuses().getFirst().failure()).contains("unsupported architecture 'mamba'");
            assertThat(state(r, "broken")).isEqualTo(State.FAILED);
        }
    }

    @Test
    void unknownNamesAreNotFoundAndNewFilesAppearAfterARescan() throws Exception {
        FakeModels f = new FakeModels(dir, "a");
        try (var r = f.router(RouterLimits.defaults())) {
            assertThatThrownBy(() -> r.acquire("../a")).isInstanceOfSatisfying(RouterException.class,
                    e -> assertThat(e.kind()).isEqualTo(RouterException.Kind.NOT_FOUND));
            Ggufs.write(dir, "fresh.gguf");
            r.rescan();
            try (var lease = r.acquire("fresh")) {
                assertThat(lease.backend().id).isEqualTo("fresh");
            }
        }
    }

    @Test
    void pinnedModelsLoadAtStart() throws Exception {
        FakeModels f = new FakeModels(dir, "p", "q");
        java.nio.file.Files.writeString(dir.resolve("models.toml"), "[p]\npinned = true\n");
        try (var r = f.router(RouterLimits.defaults())) {
            r.loadPinned();
            FakeModels.await(() -> state(r, "p") == State.LOADED);
            assertThat(state(r, "q")).isEqualTo(State.UNLOADED);
        }
    }

    @Test
    void closingTheRouterClosesEveryLoadedModel() throws Exception {
        FakeModels f = new FakeModels(dir, "a", "b");
        var r = f.router(RouterLimits.defaults());
        r.acquire("a").close();
        r.acquire("b").close();
        r.close();
        assertThat(f.opened).hasSize(2).allMatch(m -> m.closed);
        assertThatThrownBy(() -> r.acquire("a")).isInstanceOfSatisfying(RouterException.class,
                e -> assertThat(e.kind()).isEqualTo(RouterException.Kind.CLOSED));
    }
}
