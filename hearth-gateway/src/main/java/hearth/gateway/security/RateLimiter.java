package hearth.gateway.security;

import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.proxy.ApiError;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** A token bucket per API key: {@code rate} requests per second on average, bursts up to {@code burst}. */
public final class RateLimiter {
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes one request from the key's bucket or throws 429 with the wait until the next token. */
    public void acquire(KeyConfig key) {
        if (key == null || key.ratePerSecond() <= 0) return;
        Bucket b = buckets.computeIfAbsent(key.name(), n -> new Bucket(key.ratePerSecond(), Math.max(1, key.burst()), nanoClock.getAsLong()));
        double wait = b.take(nanoClock.getAsLong());
        if (wait > 0) throw ApiError.rateLimited(Duration.ofMillis((long) Math.ceil(wait * 1000))).exception();
    }

    private static final class Bucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long last;

        Bucket(double rate, double burst, long now) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
            this.last = now;
        }

        /** 0 when a token was taken, else the seconds until one is available. */
        synchronized double take(long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }
    }
}
