package hearth.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 exchange over a socket, to watch an SSE body arrive line by line and to hang up mid-stream. */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;

    RawHttp(TestServer s, String path, String json) throws IOException {
        socket = new Socket("127.0.0.1", s.server.port());
        socket.setSoTimeout(10_000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The status line, after which the headers follow. */
    String statusLine() throws IOException {
        return in.readLine();
    }

    /** Skips headers and returns the next line that starts with {@code data: }. */
    String nextData() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) return line;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
