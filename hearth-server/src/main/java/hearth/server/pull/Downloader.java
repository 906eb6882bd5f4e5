package hearth.server.pull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads one file into a {@link Store}: resumes its part file, fetches the missing ranges in parallel (every
 * connection holds a permit of the pull-wide semaphore), retries broken connections from where they stopped,
 * verifies the checksum the hub reported and downloads again when it does not match.
 */
final class Downloader {
    private static final int BUFFER = 1 << 16;

    /** The server answered a range request with the whole file: fall back to one stream. */
    private static final class RangeIgnored extends IOException {
        RangeIgnored() {
            super("server ignores byte ranges");
        }
    }

    private final HubClient client;
    private final HubSettings settings;
    private final Semaphore connections;
    private final StallGuard guard;
    private final PullListener listener;

    Downloader(HubClient client, HubSettings settings, Semaphore connections, StallGuard guard, PullListener listener) {
        this.client = client;
        this.settings = settings;
        this.connections = connections;
        this.guard = guard;
        this.listener = listener;
    }

    /** Bytes of {@code file} already in its part file (for the progress total before the download starts). */
    static long resumable(Store store, String repo, RepoFile file) throws IOException {
        Path part = store.partFile(repo, file);
        return Files.isRegularFile(part) ? Math.min(Files.size(part), file.size()) : 0;
    }

    Path fetch(Store store, String repo, String commit, RepoFile file) throws IOException {
        Optional<Path> have = store.existing(repo, commit, file);
        if (have.isPresent()) {
            listener.fileDone(file, have.get(), false);
            return have.get();
        }
        String lastMismatch = "";
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            Path part = download(store.partFile(repo, file), repo, commit, file);
            String mismatch = Checksums.mismatch(part, file);
            if (mismatch == null) {
                Path local = store.install(repo, commit, file, part);
                listener.fileDone(file, local, true);
                return local;
            }
            lastMismatch = mismatch;
            Files.deleteIfExists(part);
            listener.regress(file.size());
            if (attempt < settings.attempts()) {
                listener.warning(file.path() + ": downloaded content is corrupt (" + mismatch + "); downloading it again (attempt "
                        + (attempt + 1) + " of " + settings.attempts() + ")");
            }
        }
        throw new HubException(HubException.Kind.INTEGRITY, file.path() + " of " + repo + " does not match the hub's checksum after "
                + settings.attempts() + " downloads (" + lastMismatch + ")");
    }

    /** Completes the part file of {@code file} and returns it (not yet verified). */
    private Path download(Path partPath, String repo, String commit, RepoFile file) throws IOException {
        boolean oneStream = false;
        while (true) {
            PartFile pf = PartFile.open(partPath, file, oneStream ? 1 : settings.connections(), settings.minChunk());
            try {
                fetchChunks(pf, repo, commit, file);
                return pf.finish();
            } catch (RangeIgnored e) {
                if (oneStream) throw new HubException(HubException.Kind.PROTOCOL, "the server ignores byte ranges for " + file.path());
                listener.regress(pf.doneBytes());
                pf.discard();
                oneStream = true;
            } catch (IOException | RuntimeException e) {
                pf.persist();
                pf.close();
                throw e;
            }
        }
    }

    private void fetchChunks(PartFile pf, String repo, String commit, RepoFile file) throws IOException {
        List<PartFile.Chunk> todo = pf.chunks().stream().filter(c -> !c.complete()).toList();
        if (todo.size() == 1) {
            fetchChunk(pf, todo.getFirst(), repo, commit, file, new AtomicBoolean());
            return;
        }
        // A range that fails for good does not stop the others: what they fetch is kept for the next run.
        AtomicBoolean failed = new AtomicBoolean();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> futures = new ArrayList<>();
            for (PartFile.Chunk c : todo) {
                futures.add(ex.submit(() -> {
                    try {
                        fetchChunk(pf, c, repo, commit, file, failed);
                    } catch (IOException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
            switch (first) {
                case null -> { }
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException(first);
            }
        }
    }

    private void fetchChunk(PartFile pf, PartFile.Chunk c, String repo, String commit, RepoFile file, AtomicBoolean failed) throws IOException {
        long backoff = settings.retryBackoff().toMillis();
        boolean only = pf.chunks().size() == 1;
        for (int attempt = 1; !c.complete(); attempt++) {
            acquire();
            try {
                copy(pf, c, repo, commit, file, only);
            } catch (RangeIgnored e) {
                throw e;
            } catch (IOException | HubException e) {
                if (e instanceof HubException he && he.kind() != HubException.Kind.PROTOCOL) throw he;
                String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                if (attempt >= settings.attempts() || failed.get()) {
                    boolean offline = e instanceof IOException io && HubClient.isUnreachable(io);
                    throw new HubException(offline ? HubException.Kind.OFFLINE : HubException.Kind.IO, "download of " + file.path()
                            + " broke off at byte " + c.next() + " of " + file.size() + " (" + why + "); run the same command again to resume", e);
                }
                listener.warning(file.path() + ": connection lost at byte " + c.next() + " (" + why + "); resuming (attempt "
                        + (attempt + 1) + " of " + settings.attempts() + ")");
                sleep(backoff);
                backoff *= 2;
            } finally {
                connections.release();
            }
        }
    }

    private void copy(PartFile pf, PartFile.Chunk c, String repo, String commit, RepoFile file, boolean only) throws IOException {
        long to = c.end() == file.size() ? -1 : c.end();
        try (HubClient.Body body = client.open(repo, commit, file.path(), c.next(), to);
             StallGuard.Watch watch = guard.watch(body)) {
            if (body.start() != c.next()) {
                if (body.start() != 0 || !only) throw new RangeIgnored();
                listener.regress(c.done().get());
                pf.restart(c);
            }
            if (body.status() == 206 && body.totalSize() >= 0 && body.totalSize() != file.size()) {
                throw new HubException(HubException.Kind.PROTOCOL, file.path() + " is " + body.totalSize() + " bytes on the server but "
                        + file.size() + " in the listing");
            }
            byte[] buf = new byte[BUFFER];
            while (!c.complete()) {
                int want = (int) Math.min(buf.length, c.end() - c.next());
                int n;
                try {
                    n = body.stream().read(buf, 0, want);
                } catch (IOException e) {
                    if (watch.stalled()) throw new IOException("no data for " + settings.stallTimeout().toSeconds() + " s", e);
                    throw e;
                }
                if (n < 0) throw new IOException("connection closed early");
                watch.touch();
                pf.write(c, ByteBuffer.wrap(buf, 0, n));
                listener.progress(n);
            }
        }
    }

    private void acquire() throws IOException {
        try {
            connections.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }
}
