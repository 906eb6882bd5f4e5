package hearth.gateway.balance;

import hearth.gateway.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least outstanding requests, with session affinity: a request with an affinity key goes to the upstream that wins
 * rendezvous hashing over the eligible ones (so it only moves when its upstream leaves, and keys of a departed
 * upstream spread evenly), unless that upstream is more than {@code maxImbalance} requests busier than the least
 * loaded. Keeping a conversation on one server keeps its prefix cache warm.
 */
public final class Balancer {
    private final int maxImbalance;
    private final AtomicInteger rotor = new AtomicInteger();

    public Balancer(int maxImbalance) {
        this.maxImbalance = maxImbalance;
    }

    /**
     * The upstreams that may take {@code model}: those that list it, else those that list nothing (router-mode
     * servers that load on demand), else all (the upstream then answers 404 itself).
     */
    public static List<Upstream> servingModel(List<Upstream> pool, String model) {
        if (model == null) return pool;
        List<Upstream> listing = new ArrayList<>();
        List<Upstream> open = new ArrayList<>();
        for (Upstream u : pool) {
            if (u.serves(model)) listing.add(u);
            else if (u.servesAnything()) open.add(u);
        }
        return !listing.isEmpty() ? listing : !open.isEmpty() ? open : pool;
    }

    /**
     * Chooses and acquires (in-flight + 1) an eligible upstream, preferring ones not in {@code tried};
     * null when none is eligible right now.
     */
    public Upstream acquire(List<Upstream> pool, long affinityKey, Set<Upstream> tried) {
        for (int round = 0; round < 4; round++) {
            Upstream u = choose(pool, affinityKey, tried);
            if (u == null && !tried.isEmpty()) u = choose(pool, affinityKey, Set.of());
            if (u == null) return null;
            if (u.tryAcquire()) return u;
            // lost a race for its last slot: look again
        }
        return null;
    }

    private Upstream choose(List<Upstream> pool, long affinityKey, Set<Upstream> tried) {
        int n = pool.size();
        Upstream least = null;
        int leastLoad = Integer.MAX_VALUE;
        Upstream sticky = null;
        long bestScore = 0;
        int start = n == 0 ? 0 : Math.floorMod(rotor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Upstream u = pool.get((start + i) % n);
            if (tried.contains(u) || !u.health().eligible() || !u.hasFreeSlot()) continue;
            int load = u.inFlight();
            if (load < leastLoad) { // strict: among equals the rotating start decides, i.e. round robin
                least = u;
                leastLoad = load;
            }
            if (affinityKey != 0) {
                long score = mix(affinityKey ^ u.nameHash());
                if (sticky == null || Long.compareUnsigned(score, bestScore) > 0) {
                    sticky = u;
                    bestScore = score;
                }
            }
        }
        if (sticky != null && sticky.inFlight() <= leastLoad + maxImbalance) return sticky;
        return least;
    }

    /** SplitMix64's finalizer: spreads the bits of a combined hash so rendezvous scores are uniform. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
