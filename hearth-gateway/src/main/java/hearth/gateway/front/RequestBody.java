package hearth.gateway.front;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/**
 * A request body off the client connection: {@code Content-Length} bytes, or chunked framing undone (RFC 9112
 * §7.1; trailers are read and dropped). With {@code Expect: 100-continue} the interim response goes out on the
 * first read, so a request refused from its head alone never has its body sent. Reading stops at the body's end,
 * leaving the next pipelined request in the buffer.
 */
final class RequestBody extends InputStream {
    /** Sends "100 Continue"; called once, before the first read. */
    interface Continue {
        void send() throws IOException;
    }

    private final ClientInput in;
    private final boolean chunked;
    private long remaining; // of the body (Content-Length) or of the current chunk
    private boolean eof;
    private boolean chunkCrlfPending;
    private Continue expect;

    RequestBody(ClientInput in, long contentLength, boolean chunked, Continue expect) {
        this.in = in;
        this.chunked = chunked;
        this.remaining = chunked ? 0 : contentLength;
        this.eof = !chunked && contentLength == 0;
        this.expect = eof ? null : expect;
    }

    /** The whole body has been read. */
    boolean consumed() {
        return eof;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) return -1;
        if (len == 0) return 0;
        if (expect != null) {
            Continue c = expect;
            expect = null;
            c.send();
        }
        if (chunked && remaining == 0 && !nextChunk()) return -1;
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) throw new EOFException("the client closed the connection inside the request body");
        remaining -= n;
        if (remaining == 0) {
            if (chunked) chunkCrlfPending = true;
            else eof = true;
        }
        return n;
    }

    /** Reads a chunk-size line; false (trailers consumed, body at its end) at the last chunk. */
    private boolean nextChunk() throws IOException {
        if (chunkCrlfPending) {
            int c = in.read();
            if (c == '\r') c = in.read();
            if (c != '\n') throw new ProtocolException("chunk data not followed by CRLF");
            chunkCrlfPending = false;
        }
        long size = 0;
        int digits = 0;
        boolean extension = false;
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new EOFException("the client closed the connection in a chunk size line");
            if (extension || c == '\r') continue;
            int v = Character.digit(c, 16);
            if (v >= 0 && digits < 15) {
                size = size << 4 | v;
                digits++;
            } else if (c == ';') {
                extension = true;
            } else {
                throw new ProtocolException("malformed chunk size line");
            }
        }
        if (digits == 0) throw new ProtocolException("malformed chunk size line");
        remaining = size;
        if (size > 0) return true;
        int lineLength = 0; // trailer fields up to the blank line
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) throw new EOFException("the client closed the connection in the chunked trailer");
            if (c == '\n') {
                if (lineLength == 0) break;
                lineLength = 0;
            } else if (c != '\r' && ++lineLength > 8192) {
                throw new ProtocolException("chunked trailer line too long");
            }
        }
        eof = true;
        return false;
    }
}
