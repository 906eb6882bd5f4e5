package hearth.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A response read off a raw socket: head text, status, and the body by Content-Length, chunks or the end of the connection. */
public record RawResponse(int status, String head, String body) {
    public static RawResponse read(InputStream in) throws IOException {
        String head = readHead(in);
        int status = Integer.parseInt(head.substring(9, 12));
        if (status == 100) return new RawResponse(status, head, "");
        String lower = head.toLowerCase();
        String body;
        int cl = lower.indexOf("content-length: ");
        if (cl >= 0) {
            int len = Integer.parseInt(lower.substring(cl + 16, lower.indexOf('\r', cl)).trim());
            body = new String(in.readNBytes(len), StandardCharsets.UTF_8);
        } else if (lower.contains("transfer-encoding: chunked")) {
            StringBuilder sb = new StringBuilder();
            for (String c = readChunk(in); !c.isEmpty(); c = readChunk(in)) sb.append(c);
            body = sb.toString();
        } else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new RawResponse(status, head, body);
    }

    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("closed inside a response head: " + b);
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n')
                return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** One chunk's data; empty for the last chunk (its trailing CRLF consumed). */
    public static String readChunk(InputStream in) throws IOException {
        String size = line(in);
        int n = Integer.parseInt(size.trim(), 16);
        String data = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        line(in);
        return data;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new IOException("closed inside a line");
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }
}
