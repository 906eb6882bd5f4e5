package hearth.server.pull;

import java.util.Optional;

/**
 * One file of a repository as the hub lists it.
 *
 * @param path   path inside the repository, '/'-separated, checked by {@link SafePaths#relative}
 * @param size   bytes
 * @param sha256 for LFS files: the SHA-256 of the content (the LFS oid); empty for small git-stored files
 * @param gitOid git blob id (SHA-1 of "blob SIZE\0" + content); what the hub reports as ETag for non-LFS files
 */
public record RepoFile(String path, long size, Optional<String> sha256, String gitOid) {
    public RepoFile {
        SafePaths.relative(path);
        if (size < 0) throw new IllegalArgumentException("negative size for " + path);
    }

    /** Name of the content in a content-addressed store: the SHA-256 when known, else the git blob id. */
    public String blobName() {
        return sha256.orElse(gitOid);
    }

    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public boolean isGguf() {
        return path.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
    }
}
