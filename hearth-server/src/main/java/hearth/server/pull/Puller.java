package hearth.server.pull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code hearth pull}: resolve a revision to a commit, list and select files, download what is missing (files and
 * ranges in parallel, bounded by {@link HubSettings#connections}), and fall back to the cache when offline.
 */
public final class Puller implements AutoCloseable {
    private final HubSettings settings;
    private final PullListener listener;
    private final HubClient client;
    private final StallGuard guard;

    public Puller(HubSettings settings, PullListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.client = new HubClient(settings);
        this.guard = new StallGuard(settings.stallTimeout());
    }

    /** Pulls into the shared hub-layout cache. */
    public PullResult pull(RepoRef ref, Selection selection) {
        return pull(ref, selection, new HubCache(settings.cacheDir()));
    }

    public PullResult pull(RepoRef ref, Selection selection, Store store) {
        try {
            if (settings.offline()) return fromCache(ref, selection, store, "offline mode (HF_HUB_OFFLINE) is on", false);
            String commit;
            List<RepoFile> listing;
            try {
                commit = client.commit(ref);
                listing = client.files(ref.repo(), commit);
            } catch (HubException e) {
                if (e.kind() != HubException.Kind.OFFLINE) throw e;
                return fromCache(ref, selection, store, e.getMessage(), true);
            }
            List<RepoFile> picked = FileSelector.select(ref.repo(), listing, selection);
            store.saveRef(ref.repo(), ref.revision(), commit);
            return download(ref, commit, picked, store);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.IO, "cannot write to " + store.location(ref.repo()) + ": " + e.getMessage(), e);
        }
    }

    private PullResult download(RepoRef ref, String commit, List<RepoFile> picked, Store store) throws IOException {
        // Files with the same content are fetched once (by the first path); the others then find the blob.
        Map<String, List<RepoFile>> byBlob = new LinkedHashMap<>();
        for (RepoFile f : picked) byBlob.computeIfAbsent(f.blobName().isEmpty() ? f.path() : f.blobName(), k -> new ArrayList<>()).add(f);
        long total = 0, resumed = 0;
        for (List<RepoFile> same : byBlob.values()) {
            RepoFile f = same.getFirst();
            if (store.existing(ref.repo(), commit, f).isPresent()) continue;
            total += f.size();
            resumed += Downloader.resumable(store, ref.repo(), f);
        }
        AtomicLong received = new AtomicLong();
        listener.started(ref, commit, picked, total, resumed);
        if (resumed > 0) listener.progress(resumed);
        Downloader dl = new Downloader(client, settings, new Semaphore(settings.connections()), guard, new Counting(listener, received));
        Map<RepoFile, Path> local = new LinkedHashMap<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<List<RepoFile>, Future<List<Path>>> futures = new LinkedHashMap<>();
            for (List<RepoFile> same : byBlob.values()) {
                futures.put(same, ex.submit(() -> {
                    List<Path> paths = new ArrayList<>();
                    for (RepoFile f : same) paths.add(dl.fetch(store, ref.repo(), commit, f));
                    return paths;
                }));
            }
            for (var e : futures.entrySet()) {
                List<Path> paths = join(e.getValue());
                for (int i = 0; i < paths.size(); i++) local.put(e.getKey().get(i), paths.get(i));
            }
        }
        listener.finished();
        List<Path> paths = picked.stream().map(local::get).toList();
        return new PullResult(ref, commit, paths, modelOf(picked, paths), false, received.get());
    }

    private PullResult fromCache(RepoRef ref, Selection selection, Store store, String why, boolean warn) throws IOException {
        Optional<String> commit = store.cachedCommit(ref.repo(), ref.revision());
        List<RepoFile> cached = commit.isPresent() ? store.cachedFiles(ref.repo(), commit.get()) : List.of();
        if (cached.isEmpty()) {
            throw new HubException(HubException.Kind.OFFLINE, why + ", and " + ref + " is not in the local cache ("
                    + store.location(ref.repo()) + "). Connect to the network and run hearth pull " + ref
                    + " again, or pass --model PATH to a GGUF file you have.");
        }
        List<RepoFile> picked;
        try {
            picked = FileSelector.select(ref.repo(), cached, selection);
        } catch (HubException e) {
            throw new HubException(HubException.Kind.OFFLINE, why + ", and the cached copy of " + ref + " lacks what was asked: " + e.getMessage());
        }
        List<Path> paths = new ArrayList<>();
        for (RepoFile f : picked) {
            paths.add(store.existing(ref.repo(), commit.get(), f).orElseThrow(
                    () -> new HubException(HubException.Kind.OFFLINE, why + ", and " + f.path() + " is not complete in the cache")));
        }
        if (warn) listener.warning(why + "; using the local cache");
        listener.started(ref, commit.get(), picked, 0, 0);
        for (int i = 0; i < picked.size(); i++) listener.fileDone(picked.get(i), paths.get(i), false);
        listener.finished();
        return new PullResult(ref, commit.get(), paths, modelOf(picked, paths), true, 0);
    }

    /** The GGUF to load: the first model file that is not a projector and not a later split. */
    private static Optional<Path> modelOf(List<RepoFile> files, List<Path> paths) {
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).fileName().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".gguf") || name.startsWith("mmproj")) continue;
            if (name.matches(".*-\\d{5}-of-\\d{5}\\.gguf") && !name.matches(".*-00001-of-\\d{5}\\.gguf")) continue;
            return Optional.of(paths.get(i));
        }
        return Optional.empty();
    }

    private static <T> T join(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c instanceof ExecutionException ee && ee.getCause() != null) c = ee.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException(c);
        }
    }

    /** Passes events on and counts the bytes received. */
    private record Counting(PullListener next, AtomicLong received) implements PullListener {
        @Override
        public void progress(long bytes) {
            received.addAndGet(bytes);
            next.progress(bytes);
        }

        @Override
        public void regress(long bytes) {
            next.regress(bytes);
        }

        @Override
        public void fileDone(RepoFile file, Path local, boolean downloaded) {
            next.fileDone(file, local, downloaded);
        }

        @Override
        public void warning(String message) {
            next.warning(message);
        }
    }

    @Override
    public void close() {
        guard.close();
        client.close();
    }
}
