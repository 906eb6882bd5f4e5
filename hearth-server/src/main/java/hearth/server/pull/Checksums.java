package hearth.server.pull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The checksums the hub reports: SHA-256 for LFS files, the git blob id (SHA-1 of "blob SIZE\0" + bytes) for others. */
final class Checksums {
    private Checksums() {}

    static String sha256(Path file) throws IOException {
        return digest(file, "SHA-256", null);
    }

    static String gitBlobId(Path file, long size) throws IOException {
        return digest(file, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** Verifies {@code file} against what the hub reported; returns the mismatch description, or null when it matches. */
    static String mismatch(Path file, RepoFile expected) throws IOException {
        if (expected.sha256().isPresent()) {
            String got = sha256(file);
            return got.equalsIgnoreCase(expected.sha256().get()) ? null : "SHA-256 " + got + ", expected " + expected.sha256().get();
        }
        if (expected.gitOid().matches("[0-9a-f]{40}")) {
            String got = gitBlobId(file, expected.size());
            return got.equalsIgnoreCase(expected.gitOid()) ? null : "git blob id " + got + ", expected " + expected.gitOid();
        }
        return null;  // nothing to check against (the listing had no checksum)
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (prefix != null) md.update(prefix);
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
