package hearth.server.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a child's output (stdout and stderr, written to {@code file}) into Hearth's log, one line at a time with
 * the child's name as prefix ({@code [rpc-server vasp-02] ...}), and keeps the last lines for error messages.
 * The child writes to a file rather than a pipe because the JDK closes a process pipe when the process exits, and
 * a reader blocked on it then loses what the process wrote last (exactly the lines that say why it stopped). The
 * file is followed like {@code tail -f}: read to its end, then a 50 ms pause while the child is alive.
 */
final class LogPump {
    private static final Logger LOG = LoggerFactory.getLogger("hearth.engine");
    private static final int TAIL = 40;
    /** Longer lines (a base64 image in a debug log) are cut. */
    private static final int MAX_LINE = 4000;
    private static final long IDLE_MS = 50;

    private final String prefix;
    private final Path file;
    private final boolean keep;
    private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final Thread thread;

    /**
     * @param alive whether the child still runs; after it ends the file is read to its end once more
     * @param keep  leave the file when done (an {@code engine-log-dir} was given), else delete it
     */
    LogPump(String name, Path file, ProcessHandle alive, boolean keep) {
        this.prefix = "[" + name + "] ";
        this.file = file;
        this.keep = keep;
        this.thread = Thread.ofPlatform().daemon().name("log-" + name).start(() -> follow(alive));
    }

    private void follow(ProcessHandle child) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (true) {
                boolean ended = !child.isAlive();
                int n;
                while ((n = ch.read(buf.clear())) > 0) bytes(buf.array(), n);
                if (ended) break;
                Thread.sleep(IDLE_MS);
            }
            if (line.size() > 0) emit();
        } catch (IOException e) {
            LOG.warn("{}cannot read its output {}: {}", prefix, file, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!keep) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private void bytes(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') emit();
            else if (b[i] != '\r' && line.size() < MAX_LINE) line.write(b[i]);
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.length() >= MAX_LINE) text += " ...";
        LOG.info("{}{}", prefix, text);
        synchronized (tail) {
            if (tail.size() == TAIL) tail.removeFirst();
            tail.addLast(text);
        }
    }

    /** The last lines the child wrote, oldest first. */
    List<String> tail() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    /** Waits (bounded) until everything the child wrote has been copied; the child must have ended. */
    void drain(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
