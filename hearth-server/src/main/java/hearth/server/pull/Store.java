package hearth.server.pull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where pulled files live. {@link HubCache} is the shared hub-layout cache; {@link LocalDir} is a plain directory
 * ({@code hearth pull --dir}) with the repository's paths as they are.
 */
public sealed interface Store permits HubCache, LocalDir {
    /** The commit {@code revision} pointed to when it was last pulled online. */
    Optional<String> cachedCommit(String repo, String revision) throws IOException;

    void saveRef(String repo, String revision, String commit) throws IOException;

    /** The complete local copy of {@code file} at {@code commit}, when one is there (size checked, hash verified at download). */
    Optional<Path> existing(String repo, String commit, RepoFile file) throws IOException;

    /** The file a download of {@code file} writes to until it is verified ({@code .part}). */
    Path partFile(String repo, RepoFile file) throws IOException;

    /** Moves a verified part file into place and returns the path under which the file is now found. */
    Path install(String repo, String commit, RepoFile file, Path verifiedPart) throws IOException;

    /** Files available offline for {@code commit}, with sizes; checksums unknown. */
    List<RepoFile> cachedFiles(String repo, String commit) throws IOException;

    /** Human-readable place, for messages. */
    Path location(String repo);
}
