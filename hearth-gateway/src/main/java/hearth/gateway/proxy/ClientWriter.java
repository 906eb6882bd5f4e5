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

    /** The whole remaining response, without waiting: {@code callback} completes when it is written. */
    void last(byte[] b, Callback callback) {
        response.write(true, ByteBuffer.wrap(b), callback);
    }

    /** Ends the request: the response is finished (Jetty writes what is left of its framing), or failed. */
    void complete(Callback callback) {
        if (failure != null) callback.failed(failure);
        else callback.succeeded();
    }
}
