package hearth.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw socket server on 127.0.0.1 for tests that need exact bytes on the wire: each accepted connection runs the
 * next {@link Script} added (waiting up to 5 s for one), which reads requests and writes whatever bytes and pauses
 * its case needs. The connection closes when the script returns or fails.
 */
public final class ScriptedUpstream implements AutoCloseable {
    /** What the server does with one accepted connection. */
    public interface Script {
        void run(InputStream in, OutputStream out) throws Exception;
    }

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

    private final ServerSocket server;
    private final LinkedBlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();

    public ScriptedUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Script sc = scripts.poll(5, TimeUnit.SECONDS);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            if (sc != null) sc.run(s.getInputStream(), s.getOutputStream());
                        } catch (Exception ignored) {
                            // the case decides how the connection ends
                        }
                    });
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** The script for the next connection accepted. */
    public void add(Script script) {
        scripts.add(script);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public int port() {
        return server.getLocalPort();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Reads one request head (and a Content-Length body) and returns the head. */
    public static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("eof");
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        Matcher m = CONTENT_LENGTH.matcher(h);
        if (m.find()) in.readNBytes(Integer.parseInt(m.group(1)));
        return h;
    }

    /** Writes and flushes {@code s} (Latin-1: the cases write ASCII). */
    public static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
