package hearth.server.pull;

import java.nio.file.Path;
import java.util.List;

/** What a pull reports while it runs (for a progress bar or a log); called from download threads. */
public interface PullListener {
    PullListener NONE = new PullListener() {};

    /** The files are known; {@code totalBytes} of them are to be downloaded, {@code resumedBytes} of those are already on disk. */
    default void started(RepoRef ref, String commit, List<RepoFile> files, long totalBytes, long resumedBytes) {}

    /** {@code bytes} more arrived. */
    default void progress(long bytes) {}

    /** A download lost bytes it had counted (a range that restarts, a file that failed its checksum). */
    default void regress(long bytes) {}

    default void fileDone(RepoFile file, Path local, boolean downloaded) {}

    /** Something went wrong and is being retried, or a fallback is taken. */
    default void warning(String message) {}

    default void finished() {}
}
