package hearth.server.pull;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A listener that remembers what a pull reported. */
final class Recorder implements PullListener {
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> done = new CopyOnWriteArrayList<>();
    final AtomicLong progress = new AtomicLong();
    volatile long total = -1;
    volatile long resumed = -1;

    @Override
    public void started(RepoRef ref, String commit, List<RepoFile> files, long totalBytes, long resumedBytes) {
        total = totalBytes;
        resumed = resumedBytes;
    }

    @Override
    public void progress(long bytes) {
        progress.addAndGet(bytes);
    }

    @Override
    public void regress(long bytes) {
        progress.addAndGet(-bytes);
    }

    @Override
    public void fileDone(RepoFile file, Path local, boolean downloaded) {
        done.add(file.path() + (downloaded ? " downloaded" : " cached"));
    }

    @Override
    public void warning(String message) {
        warnings.add(message);
    }
}
