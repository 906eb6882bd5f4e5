package hearth.server.pull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Hugging Face hub cache layout under one root:
 * <pre>
 * models--OWNER--REPO/blobs/SHA256            content, named by its LFS SHA-256 (git blob id for small files)
 * models--OWNER--REPO/blobs/SHA256.part       download in progress (+ .part.progress, see {@link PartFile})
 * models--OWNER--REPO/snapshots/COMMIT/PATH   relative symlink to ../../blobs/SHA256 (a copy where links fail)
 * models--OWNER--REPO/refs/REVISION           the commit REVISION pointed to at the last online pull
 * </pre>
 * Files are deduplicated across commits through the blob names.
 */
public record HubCache(Path root) implements Store {
    /** Folder of a repository: {@code models--OWNER--REPO}. */
    public Path repoDir(String repo) {
        return root.resolve("models--" + repo.replace("/", "--"));
    }

    @Override
    public Optional<String> cachedCommit(String repo, String revision) throws IOException {
        if (revision.matches("[0-9a-f]{40}")) return Optional.of(revision);
        Path ref = SafePaths.under(repoDir(repo).resolve("refs"), revision);
        if (!Files.isRegularFile(ref)) return Optional.empty();
        String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        return commit.matches("[0-9a-f]{40}") ? Optional.of(commit) : Optional.empty();
    }

    @Override
    public void saveRef(String repo, String revision, String commit) throws IOException {
        if (revision.equals(commit)) return;
        Path ref = SafePaths.under(repoDir(repo).resolve("refs"), revision);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Optional<Path> existing(String repo, String commit, RepoFile file) throws IOException {
        Path snap = snapshotPath(repo, commit, file.path());
        if (Files.isRegularFile(snap) && Files.size(snap) == file.size()) return Optional.of(snap);
        Path blob = blob(repo, file);
        if (Files.isRegularFile(blob) && Files.size(blob) == file.size()) return Optional.of(link(snap, blob));
        return Optional.empty();
    }

    @Override
    public Path partFile(String repo, RepoFile file) throws IOException {
        Path blob = blob(repo, file);
        Files.createDirectories(blob.getParent());
        return blob.resolveSibling(blob.getFileName() + ".part");
    }

    @Override
    public Path install(String repo, String commit, RepoFile file, Path verifiedPart) throws IOException {
        Path blob = blob(repo, file);
        Files.move(verifiedPart, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return link(snapshotPath(repo, commit, file.path()), blob);
    }

    @Override
    public List<RepoFile> cachedFiles(String repo, String commit) throws IOException {
        Path snap = repoDir(repo).resolve("snapshots").resolve(commit);
        if (!Files.isDirectory(snap)) return List.of();
        List<RepoFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(snap)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {  // follows the links to blobs
                String rel = snap.relativize(p).toString().replace('\\', '/');
                out.add(new RepoFile(rel, Files.size(p), Optional.empty(), ""));
            }
        }
        return out;
    }

    @Override
    public Path location(String repo) {
        return repoDir(repo);
    }

    private Path snapshotPath(String repo, String commit, String path) {
        return SafePaths.under(repoDir(repo).resolve("snapshots").resolve(commit), path);
    }

    private Path blob(String repo, RepoFile file) {
        String name = file.blobName();
        if (!name.matches("[0-9a-f]{40,64}")) throw new HubException(HubException.Kind.PROTOCOL, "the hub listed " + file.path() + " without a usable checksum");
        return repoDir(repo).resolve("blobs").resolve(name);
    }

    /** Points {@code snap} at {@code blob} with a relative link; copies when the file system has no links. */
    private static Path link(Path snap, Path blob) throws IOException {
        Files.createDirectories(snap.getParent());
        Files.deleteIfExists(snap);
        try {
            Files.createSymbolicLink(snap, snap.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, snap, StandardCopyOption.REPLACE_EXISTING);
        }
        return snap;
    }
}
