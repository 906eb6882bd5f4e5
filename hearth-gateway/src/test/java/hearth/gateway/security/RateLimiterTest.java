package hearth.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.proxy.ApiError;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket, on a hand-driven clock. */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(now::get);
    private final KeyConfig key = new KeyConfig("k", "secret", Set.of(), 4, 2);

    @Test
    void aBurstPassesThenRequestsWaitForRefill() {
        limiter.acquire(key);
        limiter.acquire(key);
        assertThatThrownBy(() -> limiter.acquire(key)).isInstanceOfSatisfying(ApiError.GatewayException.class,
                e -> assertThat(e.error().retryAfter().toMillis()).isEqualTo(250));
        now.addAndGet(250_000_000L); // 4/s: one token per 250 ms
        limiter.acquire(key);
        assertThatThrownBy(() -> limiter.acquire(key)).isInstanceOf(ApiError.GatewayException.class);
    }

    @Test
    void anIdleKeyRefillsOnlyUpToItsBurst() {
        now.addAndGet(60_000_000_000L);
        limiter.acquire(key);
        limiter.acquire(key);
        assertThatThrownBy(() -> limiter.acquire(key)).isInstanceOf(ApiError.GatewayException.class);
    }

    @Test
    void aKeyWithoutRateIsNeverLimited() {
        KeyConfig free = new KeyConfig("f", "s", Set.of(), 0, 0);
        for (int i = 0; i < 1000; i++) limiter.acquire(free);
    }
}
