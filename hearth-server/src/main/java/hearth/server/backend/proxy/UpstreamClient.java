package hearth.server.backend.proxy;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Forwards one request to the engine's OpenAI API and copies the answer back as it arrives: server-sent events
 * are flushed chunk by chunk (each read returns what the engine has sent, one or more events), other bodies are
 * copied whole. A client that goes away closes the upstream response, which aborts the engine's generation.
 */
public final class UpstreamClient {
    /** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus ones Hearth sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "authorization", "accept-encoding");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "transfer-encoding", "content-length",
            "content-encoding", "server", "date", "access-control-allow-origin");

    private final URI base;
    private final String apiKey;
    private final Duration headersTimeout;
    private final HttpClient http;

    /**
     * @param base           the engine's root ({@code http://127.0.0.1:9080}), requests keep their path
     * @param apiKey         bearer key for the upstream (the {@code openai} backend), or null
     * @param headersTimeout how long to wait for the engine's response headers (a non-streamed generation sends
     *                       them only when done)
     */
    public UpstreamClient(URI base, String apiKey, Duration headersTimeout) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.apiKey = apiKey;
        this.headersTimeout = headersTimeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI base() {
        return base;
    }

    /**
     * What happened, for metrics and logs.
     *
     * @param firstByteNanos time from sending to the first body bytes (streams: the first event)
     * @param jsonBody       a JSON answer up to 4 MiB, to read usage from; null for streams and other types
     * @param clientGone     the client disconnected while the answer was copied (the engine's request was aborted)
     * @param upstreamError  the engine broke the stream after it had begun, or null
     */
    public record Outcome(int status, boolean streamed, long firstByteNanos, long bytes, byte[] jsonBody,
                          boolean clientGone, String upstreamError) {}

    /** Sees the bytes of a streamed answer as they pass (to count events and read usage). */
    public interface Tap {
        void bytes(byte[] b, int off, int len);
    }

    /** The engine could not be reached or did not answer in time: maps to 502/503/504 for the client. */
    public static final class Unreachable extends IOException {
        final int status;

        Unreachable(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Sends {@code method path} with {@code body} and the client's headers, and writes the engine's answer to
     * {@code ctx}. JSON bodies up to 4 MiB are also returned (to read usage from).
     */
    public Outcome forward(Context ctx, String method, String path, byte[] body, Tap tap) throws IOException {
        String query = ctx.queryString();
        URI uri = URI.create(base + path + (query == null || query.isEmpty() ? "" : "?" + query));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(headersTimeout)
                .method(method, body.length == 0 && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h : ctx.headerMap().entrySet()) {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) req.header(h.getKey(), h.getValue());
        }
        if (apiKey != null && !apiKey.isBlank()) req.header("Authorization", "Bearer " + apiKey);
        req.header("X-Forwarded-For", ctx.ip());

        long t0 = System.nanoTime();
        HttpResponse<InputStream> res = send(req.build());
        HttpServletResponse out = ctx.res();
        out.setStatus(res.statusCode());
        res.headers().map().forEach((k, values) -> {
            if (!NOT_RETURNED.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                for (String v : values) out.addHeader(k, v);
            }
        });
        String type = res.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        try (InputStream in = res.body()) {
            if (type.startsWith("text/event-stream")) return stream(in, out, res.statusCode(), t0, tap);
            byte[] whole;
            try {
                whole = in.readAllBytes();
            } catch (IOException e) {
                throw new Unreachable(502, "the engine at " + base + " broke the connection: " + e.getMessage());
            }
            long first = System.nanoTime() - t0;
            boolean json = type.contains("json") && whole.length <= (4 << 20);
            try {
                OutputStream o = out.getOutputStream();
                o.write(whole);
                o.flush();
            } catch (IOException clientGone) {
                return new Outcome(res.statusCode(), false, first, whole.length, json ? whole : null, true, null);
            }
            return new Outcome(res.statusCode(), false, first, whole.length, json ? whole : null, false, null);
        }
    }

    private Outcome stream(InputStream in, HttpServletResponse out, int status, long t0, Tap tap) throws IOException {
        out.setHeader("Cache-Control", "no-cache");
        out.setHeader("X-Accel-Buffering", "no");
        OutputStream o = out.getOutputStream();
        byte[] buf = new byte[8192];
        long first = -1;
        long total = 0;
        try {
            out.flushBuffer();
        } catch (IOException clientGone) {
            return new Outcome(status, true, first, total, null, true, null);
        }
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                return new Outcome(status, true, first, total, null, false, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (n < 0) return new Outcome(status, true, first, total, null, false, null);
            if (n == 0) continue;
            if (first < 0) first = System.nanoTime() - t0;
            if (tap != null) tap.bytes(buf, 0, n);
            try {
                o.write(buf, 0, n);
                o.flush();
            } catch (IOException clientGone) {
                // returning closes `in` (try-with-resources in forward): the engine sees its client leave and stops
                return new Outcome(status, true, first, total, null, true, null);
            }
            total += n;
        }
    }

    private HttpResponse<InputStream> send(HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new Unreachable(503, "the engine at " + base + " is not reachable");
        } catch (HttpTimeoutException e) {
            throw new Unreachable(504, "the engine at " + base + " did not answer within " + headersTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(503, "interrupted while waiting for the engine");
        } catch (IOException e) {
            throw new Unreachable(502, "the engine at " + base + " broke the connection: " + e.getMessage());
        }
    }

    /**
     * POSTs a JSON body Hearth wrote itself (a request translated from another API) to {@code path}, with the upstream
     * key; the caller reads and closes the answer. Throws {@link Unreachable} when the engine cannot be reached.
     */
    public HttpResponse<InputStream> postJson(String path, byte[] body, String forwardedFor) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(headersTimeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null && !apiKey.isBlank()) req.header("Authorization", "Bearer " + apiKey);
        if (forwardedFor != null) req.header("X-Forwarded-For", forwardedFor);
        return send(req.build());
    }

    /** GET {@code path} for Hearth's own use (model list, engine metrics); null on any failure. */
    public String get(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
        if (apiKey != null && !apiKey.isBlank()) b.header("Authorization", "Bearer " + apiKey);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static List<String> notForwarded() {
        return List.copyOf(NOT_FORWARDED);
    }
}
