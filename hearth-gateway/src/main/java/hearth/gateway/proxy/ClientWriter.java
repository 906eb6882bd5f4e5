package hearth.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * Blocking writes to the client on Jetty's core {@link Response}. Each write goes out at once (Jetty adds the chunk
 * framing and gathers it into one socket write), so the caller decides what a write holds; it blocks only until
 * Jetty has taken the bytes, after which the caller may reuse its array. A failed write means the client left;
 * it is remembered so that the request ends as failed.
 */
final class ClientWriter {
    private final Response response;
    private final Blocker.Shared blocker = new Blocker.Shared();
    private Gone failure;
    private ByteBuffer last; // the response's final bytes, sent together with its end by complete()

    /** A write to the client failed: the client has gone. */
    static final class Gone extends IOException {
        Gone(IOException cause) {
            super("client gone: " + cause.getMessage(), cause);
        }
    }

    ClientWriter(Response response) {
        this.response = response;
    }

    void status(int status) {
        response.setStatus(status);
    }

    HttpFields.Mutable headers() {
        return response.getHeaders();
    }

    boolean committed() {
        return response.isCommitted();
    }

    /** Sends {@code b[off, off+len)}; with {@code last} the response is then complete. */
    void write(byte[] b, int off, int len, boolean last) throws Gone {
        try (Blocker.Callback cb = blocker.callback()) {
            response.write(last, ByteBuffer.wrap(b, off, len), cb);
            cb.block();
        } catch (IOException e) {
            failure = new Gone(e);
            throw failure;
        }
    }

    /**
     * Keeps {@code b[off, off+len)} to go out with the end of the response when the request completes: one socket write
     * carries the last data and the terminating chunk, and the client sees the end only after the request's
     * bookkeeping is done. The caller must not reuse {@code b}.
     */
    void finish(byte[] b, int off, int len) {
        last = len > 0 ? ByteBuffer.wrap(b, off, len) : null;
    }

    /** The whole remaining response, without waiting: {@code callback} completes when it is written. */
    void last(byte[] b, Callback callback) {
        response.write(true, ByteBuffer.wrap(b), callback);
    }

    /** Ends the request: the response is finished (with what {@link #finish} kept and Jetty's framing), or failed. */
    void complete(Callback callback) {
        if (failure != null) callback.failed(failure);
        else if (last != null) response.write(true, last, callback);
        else callback.succeeded();
    }
}
