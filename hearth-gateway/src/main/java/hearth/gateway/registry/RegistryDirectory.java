package hearth.gateway.registry;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of endpoint files ({@code *.json}, one per serving process), followed with a {@link WatchService}
 * and re-read in full every {@code rescan} (shared file systems such as NFS send no events). Servers write a
 * temporary name and rename it, so a half-written file is never seen; files starting with {@code .} or not ending
 * in {@code .json} are skipped. A malformed, stale or conflicting file is ignored with a logged reason.
 */
public final class RegistryDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryDirectory.class);

    private final Path dir;
    private final Duration rescan;
    private final Duration heartbeatTtl;
    private final Clock clock;
    private final Consumer<List<Endpoint>> onChange;
    private final Map<Path, Parsed> cache = new HashMap<>();
    private volatile Map<String, String> ignored = Map.of();
    private List<Endpoint> last = null;
    private Thread thread;
    private volatile boolean closed;
    private volatile WatchService watcher;

    /**
     * A file as last read: its endpoint or why it was refused. It is read again when its identity (inode: a rename
     * replaces it), modification time or size changes.
     */
    private record Parsed(Object fileKey, long modified, long size, Endpoint endpoint, String error) {}

    public RegistryDirectory(Path dir, Duration rescan, Duration heartbeatTtl, Clock clock,
            Consumer<List<Endpoint>> onChange) {
        this.dir = dir;
        this.rescan = rescan;
        this.heartbeatTtl = heartbeatTtl;
        this.clock = clock;
        this.onChange = onChange;
    }

    public Path dir() {
        return dir;
    }

    /** Reads the directory once, then follows it on a background thread. */
    public RegistryDirectory start() {
        watcher(); // before the first scan, so no change after it goes unnoticed
        scan();
        thread = Thread.ofPlatform().daemon().name("registry-" + dir.getFileName()).start(this::follow);
        return this;
    }

    /** File name → reason, for every file currently ignored. */
    public Map<String, String> ignored() {
        return ignored;
    }

    private void follow() {
        while (!closed) {
            try {
                WatchService w = watcher();
                if (w == null) {
                    Thread.sleep(rescan.toMillis());
                } else {
                    var key = w.poll(rescan.toMillis(), TimeUnit.MILLISECONDS);
                    if (key != null) {
                        key.pollEvents();
                        if (!key.reset()) closeWatcher();
                    }
                }
                scan();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("registry {}: scan failed, will retry: {}", dir, e.toString());
            }
        }
    }

    /** Registers for events once the directory exists (it may be a mount that appears later). */
    private WatchService watcher() {
        if (watcher != null || !Files.isDirectory(dir)) return watcher;
        try {
            WatchService w = FileSystems.getDefault().newWatchService();
            dir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            watcher = w;
        } catch (IOException e) {
            LOG.warn("registry {}: no change events ({}), rescanning every {} ms", dir, e.getMessage(), rescan.toMillis());
        }
        return watcher;
    }

    private void closeWatcher() {
        try {
            if (watcher != null) watcher.close();
        } catch (IOException ignoredClose) {
            // nothing to do: a new watcher is made when the directory is back
        }
        watcher = null;
    }

    /** One full pass: parse what changed, apply staleness and name conflicts, report if the set changed. */
    public synchronized void scan() {
        Map<String, String> reasons = new TreeMap<>();
        Map<String, Endpoint> byName = new TreeMap<>();
        Map<String, String> fileOf = new HashMap<>();
        Instant now = clock.instant();
        List<Path> files = list();
        cache.keySet().retainAll(files);
        for (Path file : files) {
            Parsed p = read(file);
            if (p == null) continue;
            String fname = file.getFileName().toString();
            String reason = p.error != null ? p.error : stale(p, now);
            if (reason == null && byName.containsKey(p.endpoint.name()))
                reason = "name '" + p.endpoint.name() + "' already registered by " + fileOf.get(p.endpoint.name());
            if (reason != null) {
                reasons.put(fname, reason);
                continue;
            }
            byName.put(p.endpoint.name(), p.endpoint);
            fileOf.put(p.endpoint.name(), fname);
        }
        logNewReasons(reasons);
        ignored = Map.copyOf(reasons);
        List<Endpoint> now2 = new ArrayList<>(byName.values());
        if (!now2.equals(last)) {
            last = now2;
            onChange.accept(List.copyOf(now2));
        }
    }

    private List<Path> list() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) if (!p.getFileName().toString().startsWith(".")) out.add(p);
        } catch (IOException e) {
            LOG.warn("registry {}: cannot list: {}", dir, e.getMessage());
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private Parsed read(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) return null;
            long modified = a.lastModifiedTime().toMillis();
            Parsed old = cache.get(file);
            if (old != null && java.util.Objects.equals(old.fileKey, a.fileKey()) && old.modified == modified
                    && old.size == a.size()) return old;
            Parsed p;
            try {
                Endpoint e = EndpointFile.parse(Files.readAllBytes(file), Endpoint.Source.FILE);
                if (e.heartbeat() == null) e = withHeartbeat(e, a.lastModifiedTime().toInstant());
                p = new Parsed(a.fileKey(), modified, a.size(), e, null);
            } catch (EndpointFile.Invalid bad) {
                p = new Parsed(a.fileKey(), modified, a.size(), null, bad.getMessage());
            }
            cache.put(file, p);
            return p;
        } catch (IOException e) {
            // renamed or deleted between listing and reading: the next scan sees the new state
            return null;
        }
    }

    /** Without a heartbeat field the file's modification time says when the server last wrote it. */
    private static Endpoint withHeartbeat(Endpoint e, Instant t) {
        return new Endpoint(e.name(), e.tier(), e.url(), e.models(), e.jobId(), e.started(), t, e.source(), e.apiKey(),
                e.maxConcurrent());
    }

    private String stale(Parsed p, Instant now) {
        if (heartbeatTtl.isZero()) return null;
        Instant hb = p.endpoint.heartbeat();
        Duration age = Duration.between(hb, now);
        return age.compareTo(heartbeatTtl) > 0
                ? "stale: last heartbeat " + hb + " is older than the heartbeat ttl (" + heartbeatTtl.toMillis() + " ms)"
                : null;
    }

    private void logNewReasons(Map<String, String> reasons) {
        Map<String, String> before = ignored;
        reasons.forEach((file, why) -> {
            if (!why.equals(before.get(file))) LOG.warn("registry {}: ignoring {}: {}", dir, file, why);
        });
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) thread.interrupt();
        closeWatcher();
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
