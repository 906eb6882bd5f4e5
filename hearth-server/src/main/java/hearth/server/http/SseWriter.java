package hearth.server.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events for OpenAI-style POST streaming: {@code data: <json>\n\n} per event, flushed at once, and
 * {@code data: [DONE]\n\n} at the end. A write to a client that has gone throws {@link IOException}; the caller then
 * cancels the generation.
 */
public final class SseWriter {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private OutputStream out;

    public SseWriter(HttpServletResponse response) {
        this.response = response;
    }

    /** Sends status 200 and the event-stream headers (the status cannot change afterwards). */
    public void open() throws IOException {
        response.setStatus(200);
        response.setHeader("Content-Type", "text/event-stream");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        out = response.getOutputStream();
        response.flushBuffer();
    }

    public boolean isOpen() {
        return out != null;
    }

    public void data(byte[] json) throws IOException {
        if (out == null) open();
        byte[] frame = new byte[DATA.length + json.length + END.length];
        System.arraycopy(DATA, 0, frame, 0, DATA.length);
        System.arraycopy(json, 0, frame, DATA.length, json.length);
        System.arraycopy(END, 0, frame, DATA.length + json.length, END.length);
        out.write(frame);
        out.flush();
    }

    /** A named event ({@code event: NAME\ndata: <json>\n\n}), as Anthropic's stream sends every event. */
    public void event(String name, byte[] json) throws IOException {
        if (out == null) open();
        out.write(("event: " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        data(json);
    }

    /** A comment line ({@code : text}), which clients ignore: keeps an idle stream alive and finds clients that left. */
    public void comment(String text) throws IOException {
        if (out == null) open();
        out.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void done() throws IOException {
        if (out == null) open();
        out.write(DONE);
        out.flush();
    }
}
