package hearth.gateway.proxy;

import hearth.gateway.front.ChunkedFraming;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An upstream's HTTP/1.1 response read straight off its socket: status line and headers, then a body stream that
 * undoes chunked framing (RFC 9112 §7.1) or counts {@code Content-Length}. {@link #body()} returns data as soon as the
 * socket has some, never waiting to fill the caller's buffer, so SSE events pass one by one.
 */
final class Http1Response {
    private static final int MAX_HEAD = 64 * 1024;

    private final Http1Client.Conn conn;
    private final int status;
    private final List<String[]> headers;
    private final Body body;

    private Http1Response(Http1Client.Conn conn, int status, List<String[]> headers, Body body) {
        this.conn = conn;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    int status() {
        return status;
    }

    /** Header name/value pairs as received. */
    List<String[]> headers() {
        return headers;
    }

    String header(String name) {
        for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
        return null;
    }

    Body body() {
        return body;
    }

    /** The connection's channel when the body can be relayed without blocking (plain TCP), else null. */
    SocketChannel channel() {
        return conn.channel();
    }

    /** Reads the head; {@code head} true for a HEAD request (no body whatever the headers say). */
    static Http1Response read(Http1Client.Conn conn, boolean head) throws IOException {
        Reader r = new Reader(conn);
        Head h;
        do { // 1xx interim responses are skipped
            List<String> lines = new ArrayList<>();
            for (String line = r.line(); !line.isEmpty() || lines.isEmpty(); line = r.line()) lines.add(line);
            h = Head.parse(lines);
        } while (h.interim());
        Framing f = h.framing(head);
        Body body = new Body(r, f, f == Framing.LENGTH ? h.contentLength() : 0, f != Framing.CLOSE && h.keepAlive());
        return new Http1Response(conn, h.status(), h.headers(), body);
    }

    enum Framing { NONE, LENGTH, CHUNKED, CLOSE }

    /** A response's status line and headers, read by either the blocking reader or the event loop. */
    record Head(int status, List<String[]> headers) {
        /** From the head's lines (the status line first, no blank line). */
        static Head parse(List<String> lines) throws ProtocolException {
            String statusLine = lines.getFirst();
            if (!statusLine.startsWith("HTTP/1.")) throw new ProtocolException("not an HTTP/1.x response: " + statusLine);
            int sp = statusLine.indexOf(' ');
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(sp + 1, Math.min(statusLine.length(), sp + 4)));
            } catch (RuntimeException e) {
                throw new ProtocolException("bad status line: " + statusLine);
            }
            List<String[]> headers = new ArrayList<>(lines.size());
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon <= 0) throw new ProtocolException("bad header line: " + line);
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            return new Head(status, headers);
        }

        String header(String name) {
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
            return null;
        }

        /** A 1xx response before the real one (101 aside). */
        boolean interim() {
            return status >= 100 && status < 200 && status != 101;
        }

        boolean keepAlive() {
            String connection = header("connection");
            return connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");
        }

        /** How the body ends; {@code headRequest}: the answer to a HEAD request, which has none. */
        Framing framing(boolean headRequest) throws ProtocolException {
            String te = header("transfer-encoding");
            if (headRequest || status == 204 || status == 304) return Framing.NONE;
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) return Framing.CHUNKED;
            if (header("content-length") != null) {
                contentLength();
                return Framing.LENGTH;
            }
            return Framing.CLOSE;
        }

        long contentLength() throws ProtocolException {
            String cl = header("content-length");
            try {
                long n = Long.parseLong(cl.trim());
                if (n < 0) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad Content-Length from upstream: " + cl);
            }
        }

        /** A decoder for the whole body, for a reader that is pushed bytes as they arrive. */
        BodyDecoder decoder(boolean headRequest) throws ProtocolException {
            return switch (framing(headRequest)) {
                case NONE -> BodyDecoder.length(0);
                case LENGTH -> BodyDecoder.length(contentLength());
                case CHUNKED -> BodyDecoder.chunked(0, false);
                case CLOSE -> BodyDecoder.untilClose();
            };
        }
    }

    /** Buffered reads from the connection's socket, shared by head and body. */
    private static final class Reader {
        private final Http1Client.Conn conn;
        private final byte[] buf;
        private int pos;
        private int end;

        Reader(Http1Client.Conn conn) {
            this.conn = conn;
            this.buf = conn.buffer();
        }

        private boolean fill() throws IOException {
            if (pos < end) return true;
            int n = conn.read(buf, 0, buf.length);
            if (n < 0) return false;
            pos = 0;
            end = n;
            return true;
        }

        String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                if (!fill()) throw new EOFException("connection closed by upstream");
                for (int i = pos; i < end; i++) {
                    if (buf[i] == '\n') {
                        sb.append(new String(buf, pos, i - pos, StandardCharsets.ISO_8859_1));
                        pos = i + 1;
                        int len = sb.length();
                        if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                        return sb.toString();
                    }
                }
                sb.append(new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1));
                pos = end;
                if (sb.length() > MAX_HEAD) throw new ProtocolException("response head too long");
            }
        }

        /** Up to {@code max} bytes: what is buffered, else one socket read. -1 at end of stream. */
        int read(byte[] dst, int off, int max) throws IOException {
            if (!fill()) return -1;
            int n = Math.min(max, end - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            return n;
        }

        /** The next byte, -1 at end of stream. */
        int read() throws IOException {
            return fill() ? buf[pos++] & 0xff : -1;
        }
    }

    /** The decoded body; closing it early closes the connection, which cancels the upstream's work. */
    static final class Body extends InputStream {
        private final Reader r;
        private final Framing framing;
        private long remaining;
        private final boolean reusable;
        private final ChunkedFraming.Chunks chunks = new ChunkedFraming.Chunks("upstream");
        private boolean eof;
        private boolean closed;
        private boolean handedOff;

        Body(Reader r, Framing framing, long length, boolean reusable) {
            this.r = r;
            this.framing = framing;
            this.remaining = length;
            this.reusable = reusable;
            this.eof = framing == Framing.NONE || (framing == Framing.LENGTH && length == 0);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("closed");
            if (eof || len == 0) return eof ? -1 : 0;
            switch (framing) {
                case LENGTH -> {
                    int n = r.read(b, off, (int) Math.min(len, remaining));
                    if (n < 0) throw new EOFException("upstream closed the connection before the end of the body");
                    remaining -= n;
                    if (remaining == 0) eof = true;
                    return n;
                }
                case CLOSE -> {
                    int n = r.read(b, off, len);
                    if (n < 0) eof = true;
                    return n;
                }
                case CHUNKED -> {
                    if (remaining == 0 && (remaining = chunks.next(r::read)) == 0) {
                        eof = true;
                        return -1;
                    }
                    int n = r.read(b, off, (int) Math.min(len, remaining));
                    if (n < 0) throw new EOFException("upstream closed the connection inside a chunk");
                    remaining -= n; // the CRLF after the data is read with the next size line: returning now never waits on it
                    return n;
                }
                default -> {
                    return -1;
                }
            }
        }

        /**
         * True when the next {@link #read} can return without waiting on the socket: the rest of the current chunk, a
         * whole chunk-size line plus a data byte, or the last chunk with the blank line after it is already buffered.
         * The proxy writes only when this is false, so events that arrived together leave together (with the end of
         * the body when that came too), and none waits.
         */
        boolean moreBuffered() {
            if (eof || r.pos >= r.end) return false;
            if (framing != Framing.CHUNKED || remaining > 0) return true;
            int from = r.pos;
            if (chunks.dataEndPending()) {
                int nl = indexOf('\n', from);
                if (nl < 0) return false;
                from = nl + 1;
            }
            int nl = indexOf('\n', from);
            if (nl < 0 || nl + 1 >= r.end) return false;
            if (r.buf[from] != '0') return true; // a size line and one data byte after it
            // "0": the last chunk, whose read must not wait for the blank line after it (trailers: not looked for)
            return r.buf[nl + 1] == '\n' || (r.buf[nl + 1] == '\r' && nl + 2 < r.end && r.buf[nl + 2] == '\n');
        }

        private int indexOf(char c, int from) {
            for (int i = from; i < r.end; i++) if (r.buf[i] == c) return i;
            return -1;
        }

        /**
         * Gives the rest of this body to a {@link RelayLoop}: the bytes read from the socket but not yet returned, and
         * where the framing stands. The connection is the relay's from then on: closing the body leaves it alone.
         */
        Handoff handOff() {
            handedOff = true;
            BodyDecoder decoder = switch (framing) {
                case CHUNKED -> BodyDecoder.chunked(remaining, chunks.dataEndPending());
                case LENGTH -> BodyDecoder.length(remaining);
                case CLOSE -> BodyDecoder.untilClose();
                case NONE -> BodyDecoder.length(0);
            };
            return new Handoff(r.conn, Arrays.copyOfRange(r.buf, r.pos, r.end), decoder, reusable);
        }

        @Override
        public void close() {
            if (closed || handedOff) return;
            closed = true;
            // a connection goes back to the pool only with its response read to the end
            if (eof && reusable && r.pos == r.end) r.conn.release();
            else r.conn.close();
        }
    }

    /**
     * The rest of a body, handed to a relay: its connection, the bytes already read from it ({@code buffered}), the
     * decoder that continues the body's framing, and whether the connection may serve another request after it.
     */
    record Handoff(Http1Client.Conn conn, byte[] buffered, BodyDecoder decoder, boolean reusable) {}

    /** Drops the connection; for an abandoned response whose body will not be read. */
    void abort() {
        conn.close();
    }
}
