package hearth.gateway;

import hearth.gateway.GatewayConfig.TierConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A tier at run time: its prefix and settings, the current set of upstreams, and a signal that requests waiting
 * for a healthy upstream sleep on (raised when the set changes, health changes or a slot frees up).
 */
public final class Tier {
    private final TierConfig config;
    private volatile List<Upstream> upstreams = List.of();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();
    private final AtomicLong version = new AtomicLong();

    public Tier(TierConfig config) {
        this.config = config;
    }

    public String name() {
        return config.name();
    }

    /** Always ends with {@code /}; {@code /} is the catch-all tier. */
    public String prefix() {
        return config.prefix();
    }

    public TierConfig config() {
        return config;
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    public void setUpstreams(List<Upstream> list) {
        upstreams = List.copyOf(list);
        signal();
    }

    /** Models declared for the tier in the config plus those its upstreams list. */
    public Set<String> models() {
        Set<String> out = new LinkedHashSet<>(config.models());
        for (Upstream u : upstreams) out.addAll(u.models());
        return out;
    }

    public boolean serves(String model) {
        if (config.models().contains(model)) return true;
        for (Upstream u : upstreams) if (u.serves(model)) return true;
        return false;
    }

    /** A number that changes with every {@link #signal()}; read it before looking, pass it to {@link #await}. */
    public long version() {
        return version.get();
    }

    /** Wakes waiting requests; cheap when nobody waits. */
    public void signal() {
        version.incrementAndGet();
        if (waiters.get() == 0) return;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until a signal after {@code seenVersion} or the timeout, whichever comes first. */
    public void await(long seenVersion, long nanos) throws InterruptedException {
        waiters.incrementAndGet();
        lock.lock();
        try {
            long left = nanos;
            while (left > 0 && version.get() == seenVersion) left = changed.awaitNanos(left);
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    @Override
    public String toString() {
        return name() + "@" + prefix();
    }
}
