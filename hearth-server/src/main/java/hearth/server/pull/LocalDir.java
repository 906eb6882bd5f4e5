package hearth.server.pull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A plain directory holding the repository's files under their own paths ({@code hearth pull --dir D}). What was
 * verified is remembered in {@code D/.hearth/REPO-PATH.sha} (the checksum the hub reported), so that a second pull
 * of the same commit neither downloads nor re-hashes, and a file changed upstream is fetched again.
 */
public record LocalDir(Path dir) implements Store {
    private static final String META = ".hearth";

    @Override
    public Optional<String> cachedCommit(String repo, String revision) throws IOException {
        if (revision.matches("[0-9a-f]{40}")) return Optional.of(revision);
        Path ref = SafePaths.under(dir.resolve(META).resolve("refs"), revision);
        return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref, StandardCharsets.UTF_8).strip()) : Optional.empty();
    }

    @Override
    public void saveRef(String repo, String revision, String commit) throws IOException {
        if (revision.equals(commit)) return;
        Path ref = SafePaths.under(dir.resolve(META).resolve("refs"), revision);
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, commit, StandardCharsets.UTF_8);
    }

    @Override
    public Optional<Path> existing(String repo, String commit, RepoFile file) throws IOException {
        Path target = SafePaths.under(dir, file.path());
        Path meta = metaFile(file);
        if (!Files.isRegularFile(target) || Files.size(target) != file.size() || !Files.isRegularFile(meta)) return Optional.empty();
        // Offline listings carry no checksum: then the record that this file was verified when it came is enough.
        String verified = Files.readString(meta, StandardCharsets.UTF_8).strip();
        return file.blobName().isEmpty() || verified.equals(file.blobName()) ? Optional.of(target) : Optional.empty();
    }

    @Override
    public Path partFile(String repo, RepoFile file) throws IOException {
        Path target = SafePaths.under(dir, file.path());
        Files.createDirectories(target.getParent());
        return target.resolveSibling(target.getFileName() + ".part");
    }

    @Override
    public Path install(String repo, String commit, RepoFile file, Path verifiedPart) throws IOException {
        Path target = SafePaths.under(dir, file.path());
        Files.move(verifiedPart, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path meta = metaFile(file);
        Files.createDirectories(meta.getParent());
        Files.writeString(meta, file.blobName(), StandardCharsets.UTF_8);
        return target;
    }

    @Override
    public List<RepoFile> cachedFiles(String repo, String commit) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<RepoFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith(META + "/") || rel.endsWith(".part") || rel.endsWith(".progress")) continue;
                if (Files.isRegularFile(dir.resolve(META).resolve(rel + ".sha"))) out.add(new RepoFile(rel, Files.size(p), Optional.empty(), ""));
            }
        }
        return out;
    }

    @Override
    public Path location(String repo) {
        return dir;
    }

    private Path metaFile(RepoFile file) {
        return SafePaths.under(dir.resolve(META), file.path() + ".sha");
    }
}
