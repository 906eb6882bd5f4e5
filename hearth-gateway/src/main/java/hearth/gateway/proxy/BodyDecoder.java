package hearth.gateway.proxy;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * An upstream response body's framing undone from bytes pushed in as they arrive, for {@link RelayLoop}, which
 * cannot wait inside a chunk-size line the way {@link Http1Response.Body} reads do: chunked transfer coding
 * (RFC 9112 §7.1, the same rules as {@link hearth.gateway.front.ChunkedFraming}), a {@code Content-Length} or the
 * end of the connection. It takes over where a {@link Http1Response.Body} stopped.
 */
final class BodyDecoder {
    private enum State { SIZE, EXTENSION, DATA, DATA_END, TRAILER, DONE }

    private static final long UNTIL_CLOSE = -1;
    private static final int MAX_TRAILER_LINE = 8192;

    private final boolean chunked;
    private State state;
    private long remaining; // of the current chunk, or of a Content-Length body; UNTIL_CLOSE for a body ended by EOF
    private long size;
    private int digits;
    private boolean sizeEnded;
    private boolean sawCr;
    private int lineLength;

    private BodyDecoder(boolean chunked, State state, long remaining) {
        this.chunked = chunked;
        this.state = state;
        this.remaining = remaining;
    }

    /** A chunked body with {@code remaining} bytes left of the current chunk, whose CRLF is still to come if {@code dataEndPending}. */
    static BodyDecoder chunked(long remaining, boolean dataEndPending) {
        return new BodyDecoder(true, remaining > 0 ? State.DATA : dataEndPending ? State.DATA_END : State.SIZE, remaining);
    }

    /** A body of which {@code remaining} bytes are still to come. */
    static BodyDecoder length(long remaining) {
        return new BodyDecoder(false, remaining > 0 ? State.DATA : State.DONE, remaining);
    }

    /** A body that ends with the connection. */
    static BodyDecoder untilClose() {
        return new BodyDecoder(false, State.DATA, UNTIL_CLOSE);
    }

    /** The whole body has been decoded; bytes after it are not part of it. */
    boolean done() {
        return state == State.DONE;
    }

    /**
     * Decodes from {@code src} (position to limit, advancing the position) into {@code dst} from {@code off}, until
     * the source is used up, the body ends or {@code dst} is full. Returns the number of body bytes written.
     */
    int decode(ByteBuffer src, byte[] dst, int off) throws ProtocolException {
        int out = off;
        while (src.hasRemaining() && state != State.DONE) {
            if (state == State.DATA) {
                int n = src.remaining();
                if (remaining != UNTIL_CLOSE) n = (int) Math.min(n, remaining);
                n = Math.min(n, dst.length - out);
                if (n == 0) break;
                src.get(dst, out, n);
                out += n;
                if (remaining != UNTIL_CLOSE) {
                    remaining -= n;
                    if (remaining == 0) state = chunked ? State.DATA_END : State.DONE;
                }
                continue;
            }
            byte c = src.get();
            switch (state) {
                case SIZE -> sizeByte(c);
                case EXTENSION -> {
                    if (c == '\n') endSizeLine();
                }
                case DATA_END -> {
                    if (c == '\r' && !sawCr) sawCr = true;
                    else if (c == '\n') {
                        sawCr = false;
                        state = State.SIZE;
                    } else throw new ProtocolException("chunk data from upstream not followed by CRLF");
                }
                case TRAILER -> {
                    if (c == '\n') {
                        if (lineLength == 0) state = State.DONE;
                        lineLength = 0;
                    } else if (c != '\r' && ++lineLength > MAX_TRAILER_LINE) {
                        throw new ProtocolException("chunked trailer line from upstream too long");
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return out - off;
    }

    /**
     * The upstream closed the connection: for a body that ends with it this is its end; otherwise the body was cut
     * short, and the message says so in the blocking reader's words.
     */
    void endOfStream() throws EOFException {
        if (state == State.DONE) return;
        if (!chunked && remaining == UNTIL_CLOSE) {
            state = State.DONE;
            return;
        }
        throw new EOFException(chunked ? "upstream closed the connection inside a chunk"
                : "upstream closed the connection before the end of the body");
    }

    private void sizeByte(byte c) throws ProtocolException {
        if (c == '\n') {
            endSizeLine();
            return;
        }
        int v = Character.digit(c, 16);
        if (v >= 0 && !sizeEnded && digits < 15) {
            size = size << 4 | v;
            digits++;
        } else if (c == ';') {
            state = State.EXTENSION;
        } else if (c == '\r' || c == ' ' || c == '\t') {
            sizeEnded = true;
        } else {
            throw new ProtocolException("malformed chunk size line from upstream");
        }
    }

    private void endSizeLine() throws ProtocolException {
        if (digits == 0) throw new ProtocolException("malformed chunk size line from upstream: no digits");
        remaining = size;
        state = size == 0 ? State.TRAILER : State.DATA;
        size = 0;
        digits = 0;
        sizeEnded = false;
        lineLength = 0;
    }
}
