package hearth.gateway.front;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Buffered reads from a client's socket, shared by request heads and bodies (a pipelined request's bytes may
 * already be in the buffer). Reads are untimed; the connection's {@link ReadWatchdog} ends a read that waits past
 * the deadline set with {@link #deadline}, and the read then fails with {@link SocketTimeoutException}.
 */
final class ClientInput {
    private final InputStream in;
    final byte[] buf;
    private final ByteBuffer view; // over buf, repositioned for each read: no wrapper per read
    int pos;
    int end;
    private long timeoutNanos;
    private volatile long readDeadline; // nanoTime by which a waiting read must have data; 0: no read waits
    private volatile boolean expired;

    ClientInput(InputStream in, int bufferBytes) {
        this.in = in;
        this.buf = new byte[bufferBytes];
        this.view = ByteBuffer.wrap(buf);
    }

    /** The longest wait of each following socket read; zero waits forever. */
    void deadline(long nanos) {
        timeoutNanos = nanos;
    }

    boolean overdue(long now) {
        long d = readDeadline;
        return d != 0 && now - d > 0;
    }

    void markExpired() {
        expired = true;
    }

    /** No room for another byte until some are consumed. */
    boolean full() {
        return pos == 0 && end == buf.length;
    }

    /** Bytes buffered and not yet consumed. */
    int available() {
        return end - pos;
    }

    /** Makes room and reads once from the socket, appending to the buffered bytes; false at end of stream. */
    boolean fill() throws IOException {
        makeRoom();
        long t = timeoutNanos;
        if (t > 0) readDeadline = System.nanoTime() + t;
        int n;
        try {
            n = in.read(buf, end, buf.length - end);
        } catch (IOException e) {
            if (!expired) throw e;
            var timedOut = new SocketTimeoutException("the client sent nothing for " + t / 1_000_000 + " ms");
            timedOut.initCause(e);
            throw timedOut;
        } finally {
            if (t > 0) readDeadline = 0;
        }
        if (n < 0) return false;
        end += n;
        return true;
    }

    /** Makes room and reads what a non-blocking channel has, appending it: the count, 0 for none, -1 at end of stream. */
    int readFrom(SocketChannel ch) throws IOException {
        makeRoom();
        int n = ch.read(view.limit(buf.length).position(end));
        if (n > 0) end += n;
        return n;
    }

    private void makeRoom() {
        if (pos == end) {
            pos = 0;
            end = 0;
        } else if (end == buf.length) {
            if (pos == 0) throw new IllegalStateException("buffer full"); // callers bound what they keep
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
    }

    /** Up to {@code max} bytes: what is buffered, else one socket read. -1 at end of stream. */
    int read(byte[] dst, int off, int max) throws IOException {
        if (pos == end && !fill()) return -1;
        int n = Math.min(max, end - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    /** The next byte, -1 at end of stream. */
    int read() throws IOException {
        if (pos == end && !fill()) return -1;
        return buf[pos++] & 0xff;
    }
}
