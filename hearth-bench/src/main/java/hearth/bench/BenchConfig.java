package hearth.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds and options of a measured run.
 *
 * @param numPrompts requests to send (0 = no count bound; then {@code duration} must be set)
 * @param duration how long new requests are started (null = no time bound)
 * @param drain after {@code duration}, how long requests still in flight may finish before they are cancelled
 * @param requestTimeout per request, from send to the last byte
 * @param warmup requests sent before the measured run and not counted
 * @param thinkTime pause between an agent's turns (tool execution), not counted in any latency
 */
public record BenchConfig(int numPrompts, Duration duration, Duration drain, Duration requestTimeout, int warmup,
                          Slo slo, Duration thinkTime) {
    public BenchConfig {
        if (numPrompts < 0) throw new IllegalArgumentException("--num-prompts must be >= 0");
        if (numPrompts == 0 && duration == null) throw new IllegalArgumentException("give --num-prompts or --duration (or both)");
        if (duration != null && (duration.isNegative() || duration.isZero())) throw new IllegalArgumentException("--duration must be > 0");
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0");
        slo = slo == null ? Slo.NONE : slo;
        thinkTime = thinkTime == null ? Duration.ZERO : thinkTime;
        drain = drain == null ? Duration.ZERO : drain;
    }

    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("num_prompts", numPrompts == 0 ? null : numPrompts);
        p.put("duration_s", duration == null ? null : duration.toMillis() / 1000.0);
        p.put("drain_s", drain.toMillis() / 1000.0);
        p.put("request_timeout_s", requestTimeout.toMillis() / 1000.0);
        p.put("warmup", warmup);
        p.put("think_time_ms", thinkTime.toMillis());
        p.put("slo", slo.parameters());
        return p;
    }
}
