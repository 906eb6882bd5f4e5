package hearth.server.router;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One model as {@code GET /models} shows it.
 *
 * @param state       unloaded, loading, loaded or failed
 * @param memoryBytes estimated bytes when loaded (weights + KV cache); 0 while unknown
 * @param inFlight    requests being served or waiting for the model
 * @param lastUsed    when its last request ended (or it finished loading)
 * @param loadMillis  how long its last load took
 * @param idleTtl     unloaded after this long unused (zero = never)
 */
public record ModelStatus(String id, List<String> names, ModelRouter.State state, long memoryBytes, long weightBytes, long kvBytes,
                          int inFlight, Optional<Instant> lastUsed, Optional<Instant> loadedAt, Optional<Long> loadMillis,
                          Optional<String> failure, boolean pinned, Duration idleTtl, String path) {}
