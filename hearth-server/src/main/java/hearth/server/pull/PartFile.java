package hearth.server.pull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A download in progress: {@code X.part} receives the bytes, possibly from several ranges at once (positional
 * writes), and {@code X.part.progress} records how far each range got, so that an interrupted download resumes
 * each range with an HTTP Range request where it stopped. The record is written after the bytes it counts, and at
 * most about once a second; whatever it counts is on disk. Checksum verification catches anything else.
 *
 * <p>A {@code .part} without a record (e.g. written by an older single-stream download) is resumed from its length.
 */
final class PartFile implements AutoCloseable {
    private static final String MAGIC = "hearth-part 1";
    private static final long PERSIST_EVERY_NANOS = 1_000_000_000L;

    /** Bytes {@code [start, end)} of the file; {@code done} of them are written, from start on. */
    record Chunk(long start, long end, AtomicLong done) {
        long length() {
            return end - start;
        }

        long next() {
            return start + done.get();
        }

        boolean complete() {
            return done.get() >= length();
        }
    }

    private final Path part;
    private final Path progress;
    private final RepoFile file;
    private final List<Chunk> chunks;
    private final FileChannel channel;
    private final FileLock lock;
    private volatile long lastPersist = System.nanoTime();

    private PartFile(Path part, RepoFile file, List<Chunk> chunks, FileChannel channel, FileLock lock) {
        this.part = part;
        this.progress = part.resolveSibling(part.getFileName() + ".progress");
        this.file = file;
        this.chunks = chunks;
        this.channel = channel;
        this.lock = lock;
    }

    /** Opens (or starts) the part file of {@code file}; a new download is cut into at most {@code maxChunks} ranges. */
    static PartFile open(Path part, RepoFile file, int maxChunks, long minChunk) throws IOException {
        FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new HubException(HubException.Kind.IO, "another download of " + file.path() + " is writing " + part + "; wait for it to finish");
        }
        Path progress = part.resolveSibling(part.getFileName() + ".progress");
        List<Chunk> chunks = read(progress, file);
        if (chunks == null) {
            long have = ch.size();
            if (!Files.exists(progress) && have > 0 && have <= file.size()) {
                chunks = List.of(new Chunk(0, file.size(), new AtomicLong(have)));
            } else {
                ch.truncate(0);
                chunks = plan(file.size(), maxChunks, minChunk);
            }
        }
        PartFile pf = new PartFile(part, file, chunks, ch, lock);
        pf.persist();
        return pf;
    }

    static List<Chunk> plan(long size, int maxChunks, long minChunk) {
        int n = (int) Math.max(1, Math.min(maxChunks, size / Math.max(1, minChunk)));
        List<Chunk> out = new ArrayList<>(n);
        long per = size / n;
        for (int i = 0; i < n; i++) {
            long start = i * per;
            out.add(new Chunk(start, i == n - 1 ? size : start + per, new AtomicLong()));
        }
        return out;
    }

    /** The recorded ranges, or null when there is no usable record for this very file. */
    private static List<Chunk> read(Path progress, RepoFile file) throws IOException {
        if (!Files.isRegularFile(progress)) return null;
        List<String> lines = Files.readAllLines(progress, StandardCharsets.UTF_8);
        if (lines.size() < 4 || !lines.get(0).equals(MAGIC) || !lines.get(1).equals("size " + file.size())
                || !lines.get(2).equals("blob " + file.blobName())) return null;
        List<Chunk> out = new ArrayList<>();
        long expectStart = 0;
        for (String line : lines.subList(3, lines.size())) {
            String[] f = line.split(" ");
            if (f.length != 4 || !f[0].equals("chunk")) return null;
            long start = Long.parseLong(f[1]), end = Long.parseLong(f[2]), done = Long.parseLong(f[3]);
            if (start != expectStart || end < start || done < 0 || done > end - start) return null;
            out.add(new Chunk(start, end, new AtomicLong(done)));
            expectStart = end;
        }
        return expectStart == file.size() ? out : null;
    }

    List<Chunk> chunks() {
        return chunks;
    }

    long doneBytes() {
        return chunks.stream().mapToLong(c -> c.done().get()).sum();
    }

    /** Writes {@code buf} at the chunk's next position and counts it. */
    void write(Chunk c, ByteBuffer buf) throws IOException {
        long pos = c.next();
        int n = buf.remaining();
        if (pos + n > c.end()) throw new HubException(HubException.Kind.PROTOCOL, "the hub sent more bytes than " + file.path() + " has");
        while (buf.hasRemaining()) pos += channel.write(buf, pos);
        c.done().addAndGet(n);
        if (System.nanoTime() - lastPersist > PERSIST_EVERY_NANOS) persist();
    }

    /** Starts a chunk over (the server sent the whole file instead of the range). */
    void restart(Chunk c) {
        c.done().set(0);
    }

    synchronized void persist() throws IOException {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n').append("size ").append(file.size()).append('\n')
                .append("blob ").append(file.blobName()).append('\n');
        for (Chunk c : chunks) sb.append("chunk ").append(c.start()).append(' ').append(c.end()).append(' ').append(c.done().get()).append('\n');
        Path tmp = progress.resolveSibling(progress.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, progress, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lastPersist = System.nanoTime();
    }

    /** Closes the part file once every range is complete; returns it for checking and installing. */
    Path finish() throws IOException {
        channel.force(false);
        close();
        Files.deleteIfExists(progress);
        return part;
    }

    /** Throws the download away (after a checksum mismatch). */
    void discard() throws IOException {
        close();
        Files.deleteIfExists(part);
        Files.deleteIfExists(progress);
    }

    Path path() {
        return part;
    }

    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
