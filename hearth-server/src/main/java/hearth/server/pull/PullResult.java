package hearth.server.pull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a pull left on disk.
 *
 * @param files      local paths of every selected file, in listing order
 * @param model      the GGUF to load: the single model file, or the first split of a split model
 * @param fromCache  nothing was asked of the network (offline, or the hub unreachable)
 * @param downloaded bytes received in this pull
 */
public record PullResult(RepoRef ref, String commit, List<Path> files, Optional<Path> model, boolean fromCache, long downloaded) {}
