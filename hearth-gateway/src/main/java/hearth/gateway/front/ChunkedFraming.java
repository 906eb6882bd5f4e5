package hearth.gateway.front;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;

/**
 * The line-level parts of chunked transfer coding (RFC 9112 §7.1), shared by request bodies from clients and
 * response bodies from upstreams: chunk-size lines (hex digits, optional extensions after {@code ;}) and the
 * trailer section after the last chunk. Read byte by byte from the connection's buffer: a size line comes once per
 * SSE event, so no strings are made.
 */
public final class ChunkedFraming {
    private ChunkedFraming() {}

    /** The next byte of a connection's buffered input, -1 at its end. */
    @FunctionalInterface
    public interface Source {
        int read() throws IOException;
    }

    /**
     * Where a reader is between chunks: it knows whether the CRLF after a chunk's data is still to be read. Each
     * {@link #next} call reads up to the next chunk's data.
     */
    public static final class Chunks {
        private final String peer;
        private boolean afterData;

        /** {@code peer} names the other side in errors. */
        public Chunks(String peer) {
            this.peer = peer;
        }

        /**
         * Reads the CRLF ending the previous chunk's data (if there was one), the next size line and, after the last
         * chunk, the trailers. Returns the chunk's size; 0 at the end of the body.
         */
        public long next(Source in) throws IOException {
            if (afterData) dataEnd(in, peer);
            long size = sizeLine(in, peer);
            if (size == 0) skipTrailers(in, peer);
            afterData = size > 0;
            return size;
        }

        /** Once the current chunk's data is all read: its CRLF is still to come (the next {@link #next} reads it). */
        public boolean dataEndPending() {
            return afterData;
        }
    }

    /** Reads a chunk-size line through its LF; {@code peer} names the other side in errors. */
    public static long sizeLine(Source in, String peer) throws IOException {
        long size = 0;
        int digits = 0;
        boolean extension = false;
        boolean sizeEnded = false; // by whitespace: no digit may follow
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new EOFException(peer + " closed the connection in a chunk size line");
            if (extension) continue;
            int v = Character.digit(c, 16);
            if (v >= 0 && !sizeEnded && digits < 15) {
                size = size << 4 | v;
                digits++;
            } else if (c == ';') {
                extension = true;
            } else if (c == '\r' || c == ' ' || c == '\t') {
                sizeEnded = true;
            } else {
                throw new ProtocolException("malformed chunk size line from " + peer);
            }
        }
        if (digits == 0) throw new ProtocolException("malformed chunk size line from " + peer + ": no digits");
        return size;
    }

    /** Reads the CRLF (or bare LF) that ends a chunk's data. */
    public static void dataEnd(Source in, String peer) throws IOException {
        int c = in.read();
        if (c == '\r') c = in.read();
        if (c != '\n') throw c < 0 ? new EOFException(peer + " closed the connection after a chunk")
                : new ProtocolException("chunk data from " + peer + " not followed by CRLF");
    }

    /** Reads and drops the trailer fields after the last chunk, through the blank line that ends them. */
    public static void skipTrailers(Source in, String peer) throws IOException {
        int lineLength = 0;
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) throw new EOFException(peer + " closed the connection in the chunked trailer");
            if (c == '\n') {
                if (lineLength == 0) return;
                lineLength = 0;
            } else if (c != '\r' && ++lineLength > 8192) {
                throw new ProtocolException("chunked trailer line from " + peer + " too long");
            }
        }
    }
}
