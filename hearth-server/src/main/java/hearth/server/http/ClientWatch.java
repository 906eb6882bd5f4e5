package hearth.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Notices a client that closes its connection while a non-streamed answer is being generated, so that the generation
 * is cancelled and its slot freed at once rather than when it ends. A streamed answer notices by its failing writes;
 * a non-streamed one writes nothing until the end, and Jetty learns of a closed HTTP/1.x connection only when it reads
 * or writes it (it does not read while a handler runs). So the watch reads the idle connection itself, every
 * {@value #PERIOD_MS} ms, without blocking: end of stream (or a reset) means the client is gone.
 *
 * <p>A client that sent more bytes after its request (pipelining) loses the first one to the probe; the connection is
 * then closed after this response ({@code Connection: close}) so that the lost byte cannot garble the next request, and
 * the watch stops. A client that half-closes its side after sending the request counts as gone, as in llama-server.
 * HTTP/2 and failures Jetty sees itself (idle timeout, stream reset) arrive through Jetty's failure listener.
 */
public final class ClientWatch implements AutoCloseable {
    static final long PERIOD_MS = 50;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("hearth-client-watch").daemon().unstarted(r));

    private final Context ctx;
    private final Runnable onGone;
    private final EndPoint endPoint; // null when the connection cannot be probed
    private final ByteBuffer probe = BufferUtil.allocate(1); // Jetty's convention: empty, in flush mode
    private final ScheduledFuture<?> task;
    private volatile boolean gone;
    private boolean closed;     // guarded by this
    private boolean pipelined;  // guarded by this

    private ClientWatch(Context ctx, Runnable onGone) {
        this.ctx = ctx;
        this.onGone = onGone;
        Request request = jettyRequest(ctx);
        EndPoint ep = null;
        if (request != null) {
            request.addFailureListener(failure -> leave());
            var meta = request.getConnectionMetaData();
            boolean http1 = meta.getHttpVersion() == HttpVersion.HTTP_1_1 || meta.getHttpVersion() == HttpVersion.HTTP_1_0;
            if (http1 && meta.getConnection().getEndPoint() instanceof SocketChannelEndPoint plain) ep = plain;
        }
        this.endPoint = ep;
        this.task = ep == null ? null : TIMER.scheduleWithFixedDelay(this::poll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Watches the client of {@code ctx} until {@link #close}; {@code onGone} runs (once, on another thread) when it leaves. */
    public static ClientWatch start(Context ctx, Runnable onGone) {
        return new ClientWatch(ctx, onGone);
    }

    /** Whether the client has gone away. */
    public boolean gone() {
        return gone;
    }

    /** The error to end the handler with once the client is gone: logged as 499, written to nobody. */
    public ApiError error() {
        RequestLog.entry(ctx).statusOverride = 499;
        return new ApiError(499, ApiError.INVALID_REQUEST, "the client closed the connection", null, "client_closed_request", Map.of());
    }

    private synchronized void poll() {
        if (closed || gone) return;
        try {
            BufferUtil.clear(probe);
            int n = endPoint.fill(probe);
            if (n < 0) {
                leave();
            } else if (n > 0) {
                pipelined = true;
                task.cancel(false);
            }
        } catch (IOException | RuntimeException e) {
            leave();
        }
    }

    private void leave() {
        synchronized (this) {
            if (closed || gone) return;
            gone = true;
        }
        if (task != null) task.cancel(false);
        onGone.run();
    }

    /** Stops watching (before the response is written: the probe must not read while Jetty writes or reads). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (pipelined) ctx.header("Connection", "close");
        }
        if (task != null) task.cancel(false);
    }

    private static Request jettyRequest(Context ctx) {
        try {
            return ServletContextRequest.getServletContextRequest(ctx.req());
        } catch (RuntimeException notJetty) {
            return null;
        }
    }
}
