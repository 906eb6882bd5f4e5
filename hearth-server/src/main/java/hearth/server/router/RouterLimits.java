package hearth.server.router;

import java.time.Duration;

/**
 * Router-wide settings.
 *
 * @param memoryBytes {@code --models-memory}: bytes all loaded models may take together, estimated (0 = no limit)
 * @param maxModels   {@code --models-max}: most models loaded at once (0 = no limit)
 * @param idleTtl     {@code --models-idle-ttl}: unload a model unused this long (zero = never); presets override it
 * @param loadWait    how long a request waits for its model to load before 503 + Retry-After
 * @param roomWait    how long a load waits for busy models to go idle so that it fits, before it fails
 */
public record RouterLimits(long memoryBytes, int maxModels, Duration idleTtl, Duration loadWait, Duration roomWait) {
    public RouterLimits {
        if (memoryBytes < 0) throw new IllegalArgumentException("--models-memory must be >= 0");
        if (maxModels < 0) throw new IllegalArgumentException("--models-max must be >= 0");
        if (idleTtl.isNegative() || loadWait.isNegative() || roomWait.isNegative()) throw new IllegalArgumentException("durations must be >= 0");
    }

    public static RouterLimits defaults() {
        return new RouterLimits(0, 0, Duration.ZERO, Duration.ofSeconds(60), Duration.ofMinutes(2));
    }

    public RouterLimits withMemory(long bytes) {
        return new RouterLimits(bytes, maxModels, idleTtl, loadWait, roomWait);
    }

    public RouterLimits withMaxModels(int n) {
        return new RouterLimits(memoryBytes, n, idleTtl, loadWait, roomWait);
    }

    public RouterLimits withIdleTtl(Duration d) {
        return new RouterLimits(memoryBytes, maxModels, d, loadWait, roomWait);
    }

    public RouterLimits withLoadWait(Duration d) {
        return new RouterLimits(memoryBytes, maxModels, idleTtl, d, roomWait);
    }

    public RouterLimits withRoomWait(Duration d) {
        return new RouterLimits(memoryBytes, maxModels, idleTtl, loadWait, d);
    }
}
