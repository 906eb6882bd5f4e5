package hearth.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this process's entry in the shared registry directory: {@code DIR/NAME.json}, written to a dot-named
 * temporary file and renamed over the old one (readers never see half a file), rewritten every {@code interval}
 * with a fresh heartbeat, deleted by {@link #deregister}. A requeued job writes it again on its next start.
 */
public final class RegistryWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWriter.class);

    private final Path dir;
    private final Clock clock;
    private final Supplier<List<String>> models;
    private final Path file;
    private volatile RegistryEntry entry;
    private ScheduledExecutorService timer;
    private volatile boolean registered;

    /**
     * @param models asked at each heartbeat, so that router-mode servers advertise what they serve now
     */
    public RegistryWriter(Path dir, RegistryEntry entry, Supplier<List<String>> models, Clock clock) {
        this.dir = dir;
        this.entry = entry;
        this.models = models;
        this.clock = clock;
        this.file = dir.resolve(entry.name() + ".json");
    }

    public Path file() {
        return file;
    }

    /** Writes the entry now and then every {@code interval} until {@link #deregister}. */
    public synchronized RegistryWriter start(Duration interval) throws IOException {
        Files.createDirectories(dir);
        write();
        registered = true;
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("hearth-registry").unstarted(r));
        long ms = Math.max(100, interval.toMillis());
        timer.scheduleWithFixedDelay(this::heartbeat, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("registered as {} in {} (heartbeat every {} s)", entry.name(), dir, ms / 1000.0);
        return this;
    }

    private void heartbeat() {
        try {
            synchronized (this) {
                if (registered) write();
            }
        } catch (IOException | RuntimeException e) {
            // a shared file system may hiccup; the next beat tries again
            LOG.warn("registry heartbeat to {} failed: {}", file, e.toString());
        }
    }

    /** Writes the current entry with a new heartbeat (temp file + atomic rename). */
    synchronized void write() throws IOException {
        List<String> now = models.get();
        entry = (now == null ? entry : entry.withModels(now)).withHeartbeat(clock.instant());
        Path tmp = dir.resolve("." + entry.name() + ".json." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(tmp, entry.toJson() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public RegistryEntry entry() {
        return entry;
    }

    public boolean registered() {
        return registered;
    }

    /** Stops the heartbeat and deletes the entry (first step of a drain: the gateway stops sending work here). */
    public synchronized void deregister() {
        if (timer != null) timer.shutdownNow();
        if (!registered) return;
        registered = false;
        try {
            Files.deleteIfExists(file);
            LOG.info("deregistered {} from {}", entry.name(), dir);
        } catch (IOException e) {
            LOG.warn("could not delete registry entry {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        deregister();
    }
}
