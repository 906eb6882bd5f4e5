package hearth.server.backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a child's output (stdout and stderr merged) into Hearth's log, one line at a time with the child's name
 * as prefix ({@code [rpc-server vasp-02] ...}), and keeps the last lines for error messages.
 */
final class LogPump {
    private static final Logger LOG = LoggerFactory.getLogger("hearth.engine");
    private static final int TAIL = 40;
    /** Longer lines (a base64 image in a debug log) are cut. */
    private static final int MAX_LINE = 4000;

    private final String prefix;
    private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL);
    private final Thread thread;

    LogPump(String name, InputStream in) {
        this.prefix = "[" + name + "] ";
        this.thread = Thread.ofPlatform().daemon().name("log-" + name).start(() -> pump(in));
    }

    private void pump(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.length() > MAX_LINE) line = line.substring(0, MAX_LINE) + " ...";
                LOG.info("{}{}", prefix, line);
                synchronized (tail) {
                    if (tail.size() == TAIL) tail.removeFirst();
                    tail.addLast(line);
                }
            }
        } catch (IOException e) {
            // the pipe closes when the child dies: nothing more to copy
        }
    }

    /** The last lines the child wrote, oldest first. */
    List<String> tail() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    /** Waits (bounded) until everything the child wrote has been copied. */
    void drain(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
