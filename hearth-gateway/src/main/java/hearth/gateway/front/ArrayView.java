package hearth.gateway.front;

import java.nio.ByteBuffer;

/**
 * One {@link ByteBuffer} over the array last asked for, repositioned for each socket read or write: the loops move
 * every event of every stream through channels, and a fresh {@code ByteBuffer.wrap} each time was the largest
 * allocation per request left on them (48 bytes per read and per write). A connection reads into and writes from
 * the same few arrays, so the wrapper is made again only when the array changes. Arrays larger than
 * {@link #KEPT_BYTES} get a wrapper of their own that is not kept: an idle connection holds no large body alive.
 * Not thread-safe: one per user.
 */
public final class ArrayView {
    static final int KEPT_BYTES = 16 * 1024;

    private ByteBuffer buffer;

    /** {@code b[off, off + len)} as a heap buffer (position off, limit off + len), valid until the next call. */
    public ByteBuffer of(byte[] b, int off, int len) {
        if (b.length > KEPT_BYTES) return ByteBuffer.wrap(b, off, len);
        ByteBuffer v = buffer;
        if (v == null || v.array() != b) buffer = v = ByteBuffer.wrap(b);
        v.limit(off + len).position(off);
        return v;
    }
}
