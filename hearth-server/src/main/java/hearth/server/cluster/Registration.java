package hearth.server.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where and as what this process registers: from {@code --registry-dir}, {@code --registry-name},
 * {@code --tier}, {@code --public-url} and {@code --registry-interval}, with defaults that stay the same when a
 * requeued job starts again on the same node ({@code TIER-NODE-PORT}, {@code http://NODE:PORT}).
 */
public record Registration(Path dir, RegistryEntry entry, Duration interval) {
    /** Empty when no {@code registry-dir} is set. */
    public static Optional<Registration> from(Settings s, SlurmJob job, int port, List<String> models, Instant now) {
        Optional<String> dir = s.get("registry-dir");
        if (dir.isEmpty()) return Optional.empty();
        String tier = s.get("tier", "default");
        String node = job.thisNode();
        String name = s.get("registry-name", tier + "-" + node + "-" + port).replaceAll("[^A-Za-z0-9._:@-]", "_");
        String url = s.get("public-url", "http://" + node + ":" + port).replaceAll("/+$", "");
        Duration interval = Duration.ofMillis(Math.round(s.decimal("registry-interval").orElse(5.0) * 1000));
        if (interval.toMillis() < 100) throw new IllegalArgumentException("registry-interval must be at least 0.1 s");
        RegistryEntry entry = new RegistryEntry(name, tier, url, models, job.jobId(), now, now);
        return Optional.of(new Registration(Path.of(dir.get()), entry, interval));
    }
}
