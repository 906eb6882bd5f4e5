package hearth.gateway.front;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

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
    private final ChunkedFraming.Chunks chunks = new ChunkedFraming.Chunks("the client");
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
        if (chunked && remaining == 0 && (remaining = chunks.next(in::read)) == 0) {
            eof = true;
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) throw new EOFException("the client closed the connection inside the request body");
        remaining -= n;
        if (remaining == 0 && !chunked) eof = true;
        return n;
    }
}
