package hearth.server.http;

import io.javalin.http.Context;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request: id, route, model, status, prompt/output tokens, time to first token and duration.
 * Handlers fill the {@link Entry} attached to their context; Javalin's request logger writes it when the response ends.
 */
public final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("hearth.request");
    private static final String KEY = "hearth.request";

    private RequestLog() {}

    /** What a handler learned about its request. Written by the request's own thread only. */
    public static final class Entry {
        public final long startNanos = System.nanoTime();
        public String id;
        public String model;
        public int promptTokens = -1;
        public int outputTokens = -1;
        public double ttftMillis = -1;
        /** Set when the status the client saw differs from the response status (e.g. 499 for a client that left mid-stream). */
        public int statusOverride;
    }

    public static Entry entry(Context ctx) {
        Entry e = ctx.attribute(KEY);
        if (e == null) {
            e = new Entry();
            ctx.attribute(KEY, e);
        }
        return e;
    }

    /** Javalin {@code RequestLogger}: called after the response has been written. */
    public static void log(Context ctx, Float millis) {
        Entry e = entry(ctx);
        int status = e.statusOverride != 0 ? e.statusOverride : ctx.statusCode();
        StringBuilder sb = new StringBuilder(160);
        sb.append(ctx.method()).append(' ').append(ctx.path()).append(" status=").append(status);
        if (e.id != null) sb.append(" id=").append(e.id);
        if (e.model != null) sb.append(" model=").append(e.model);
        if (e.promptTokens >= 0) sb.append(" prompt_tokens=").append(e.promptTokens);
        if (e.outputTokens >= 0) sb.append(" output_tokens=").append(e.outputTokens);
        if (e.ttftMillis >= 0) sb.append(" ttft_ms=").append(String.format(Locale.ROOT, "%.1f", e.ttftMillis));
        sb.append(" duration_ms=").append(String.format(Locale.ROOT, "%.1f", (System.nanoTime() - e.startNanos) / 1e6));
        LOG.info(sb.toString());
    }
}
