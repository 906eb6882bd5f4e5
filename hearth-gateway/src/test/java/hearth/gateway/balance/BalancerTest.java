package hearth.gateway.balance;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Upstream;
import hearth.gateway.health.HealthPolicy;
import hearth.gateway.health.HealthState;
import hearth.gateway.registry.Endpoint;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Least outstanding requests, rendezvous affinity, model filtering. */
class BalancerTest {
    private static final HealthPolicy POLICY = new HealthPolicy(2, 1, Duration.ofSeconds(1), Duration.ofSeconds(4), true);

    private static Upstream up(String name, String... models) {
        return up(name, 0, models);
    }

    private static Upstream up(String name, int maxConcurrent, String... models) {
        Endpoint e = new Endpoint(name, "fast", URI.create("http://" + name + ":1"), List.of(models), null, null, null,
                Endpoint.Source.CONFIG, null, maxConcurrent);
        return new Upstream(e, new HealthState(POLICY, System::nanoTime));
    }

    @Test
    void newRequestsGoToTheUpstreamWithFewestOutstanding() {
        var a = up("a");
        var b = up("b");
        var c = up("c");
        Balancer bal = new Balancer(8);
        List<Upstream> pool = List.of(a, b, c);
        a.tryAcquire();
        a.tryAcquire();
        b.tryAcquire();
        assertThat(bal.acquire(pool, 0, Set.of())).isSameAs(c);
        assertThat(bal.acquire(pool, 0, Set.of())).isIn(b, c);
        // equal load spreads round robin
        var x = up("x");
        var y = up("y");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            Upstream u = bal.acquire(List.of(x, y), 0, Set.of());
            counts.merge(u.name(), 1, Integer::sum);
            u.release();
        }
        assertThat(counts.get("x")).isBetween(40, 60);
    }

    @Test
    void theSameConversationStaysOnOneUpstreamAndMovesOnlyWhenItLeaves() {
        List<Upstream> pool = new ArrayList<>(List.of(up("a"), up("b"), up("c"), up("d")));
        Balancer bal = new Balancer(8);
        Map<Long, Upstream> home = new HashMap<>();
        for (long key = 1; key <= 400; key++) {
            Upstream u = bal.acquire(pool, key * 0x9E3779B97F4A7C15L, Set.of());
            u.release();
            home.put(key, u);
            assertThat(bal.acquire(pool, key * 0x9E3779B97F4A7C15L, Set.of())).isSameAs(u);
            u.release();
        }
        Map<String, Integer> spread = new HashMap<>();
        home.values().forEach(u -> spread.merge(u.name(), 1, Integer::sum));
        assertThat(spread.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
        Upstream gone = pool.remove(2);
        for (long key = 1; key <= 400; key++) {
            Upstream u = bal.acquire(pool, key * 0x9E3779B97F4A7C15L, Set.of());
            u.release();
            if (home.get(key) != gone) assertThat(u).isSameAs(home.get(key));
        }
    }

    @Test
    void affinityYieldsWhenItsUpstreamIsFarBusierThanTheLeastLoaded() {
        var a = up("a");
        var b = up("b");
        Balancer bal = new Balancer(2);
        long key = 42;
        Upstream home = bal.acquire(List.of(a, b), key, Set.of());
        home.tryAcquire();
        home.tryAcquire(); // home: 3 in flight, other: 0, imbalance allowed: 2
        assertThat(bal.acquire(List.of(a, b), key, Set.of())).isNotSameAs(home);
    }

    @Test
    void anUpstreamAlreadyTriedIsAvoidedWhileAnotherIsEligible() {
        var a = up("a");
        var b = up("b");
        Balancer bal = new Balancer(8);
        assertThat(bal.acquire(List.of(a, b), 7, Set.of(a))).isSameAs(b);
        assertThat(bal.acquire(List.of(a), 7, Set.of(a))).isSameAs(a);
    }

    @Test
    void anUpstreamAtItsConcurrencyLimitGetsNoMore() {
        var a = up("a", 1);
        Balancer bal = new Balancer(8);
        assertThat(bal.acquire(List.of(a), 0, Set.of())).isSameAs(a);
        assertThat(bal.acquire(List.of(a), 0, Set.of())).isNull();
        a.release();
        assertThat(bal.acquire(List.of(a), 0, Set.of())).isSameAs(a);
    }

    @Test
    void aModelGoesToUpstreamsListingItElseToThoseListingNothing() {
        var coder = up("coder", "qwen-coder");
        var chat = up("chat", "llama");
        var router = up("router");
        List<Upstream> pool = List.of(coder, chat, router);
        assertThat(Balancer.servingModel(pool, "qwen-coder")).containsExactly(coder);
        assertThat(Balancer.servingModel(pool, "mistral")).containsExactly(router);
        assertThat(Balancer.servingModel(List.of(coder, chat), "mistral")).containsExactly(coder, chat);
        assertThat(Balancer.servingModel(pool, null)).isEqualTo(pool);
    }
}
