package hearth.gateway.proxy;

import hearth.gateway.GatewayConfig.ProxyConfig;
import hearth.gateway.Units;
import hearth.gateway.Upstream;
import hearth.gateway.health.HealthChecker;
import hearth.gateway.health.HealthState.Failure;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One attempt at one upstream. Nothing reaches the client until the upstream has produced its first body bytes
 * (SSE) or its whole body (other responses up to {@code responseBufferBytes}), so any failure before that can be
 * retried elsewhere. From then on SSE is relayed chunk by chunk with a flush after each, and a failure becomes an
 * error event that ends the stream cleanly. A failed write to the client closes the upstream body, which cancels
 * the upstream request (its connection is closed, not reused).
 */
final class Forwarder {
    private static final int CHUNK = 16 * 1024;
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final HttpClient client;
    private final ProxyConfig config;
    private final IdleWatchdog watchdog;

    Forwarder(HttpClient client, ProxyConfig config, IdleWatchdog watchdog) {
        this.client = client;
        this.config = config;
        this.watchdog = watchdog;
    }

    Outcome attempt(Upstream u, Incoming in, HttpServletResponse res) throws InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(request(u, in), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new Outcome.Retry(Failure.CONNECT, false, "connect failed: " + describe(e), null);
        } catch (HttpTimeoutException e) {
            return new Outcome.Retry(Failure.TIMEOUT, false, "no response headers within " + Units.format(config.headersTimeout()), null);
        } catch (IOException e) {
            return new Outcome.Retry(Failure.RESET, false, "request failed: " + describe(e), null);
        }
        int status = resp.statusCode();
        if (retryable(status)) return retry(u, resp);
        String type = resp.headers().firstValue("content-type").orElse("");
        return type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")
                ? stream(u, resp, res, start)
                : buffered(u, resp, res, start);
    }

    /** 5xx other than 501 and 505 is a server fault, 429 a busy server: another upstream may do better. */
    static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private HttpRequest request(Upstream u, Incoming in) {
        HttpRequest.BodyPublisher body = in.body().length == 0
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(in.body());
        HttpRequest.Builder b = HttpRequest.newBuilder(HealthChecker.resolve(u.url(), in.pathAndQuery()))
                .timeout(config.headersTimeout())
                .method(in.method(), body);
        String key = u.endpoint().apiKey();
        boolean dropCredentials = in.gatewayAuth() || key != null;
        for (String[] h : in.headers()) if (Headers.forwardRequest(h[0], dropCredentials)) b.header(h[0], h[1]);
        if (key != null) b.header("Authorization", "Bearer " + key);
        b.header("X-Forwarded-For", in.clientAddress());
        b.header("X-Forwarded-Proto", in.scheme());
        if (in.host() != null) b.header("X-Forwarded-Host", in.host());
        if (!in.prefix().equals("/")) b.header("X-Forwarded-Prefix", in.prefix().substring(0, in.prefix().length() - 1));
        return b.build();
    }

    private Outcome retry(Upstream u, HttpResponse<InputStream> resp) {
        int status = resp.statusCode();
        byte[] body;
        try (InputStream in = resp.body(); var w = watchdog.watch(in)) {
            body = in.readNBytes(ERROR_BODY_LIMIT);
        } catch (IOException e) {
            body = new byte[0];
        }
        var kept = new Outcome.Buffered(status, resp.headers(), body);
        String reason = "status " + status + snippet(body);
        if (status == 503) return new Outcome.Retry(null, true, reason, kept);
        if (status == 429) return new Outcome.Retry(null, false, reason, kept);
        return new Outcome.Retry(Failure.STATUS_5XX, false, reason, kept);
    }

    private Outcome stream(Upstream u, HttpResponse<InputStream> resp, HttpServletResponse res, long start) {
        byte[] buf = new byte[CHUNK];
        InputStream in = resp.body();
        try (in; IdleWatchdog.Watch watch = watchdog.watch(in)) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                return new Outcome.Retry(watch.timedOut() ? Failure.TIMEOUT : Failure.RESET, false,
                        (watch.timedOut() ? "no first event within the idle timeout" : "stream failed before its first byte: " + describe(e)), null);
            }
            long firstByte = System.nanoTime() - start;
            OutputStream out;
            EventTail tail = new EventTail();
            try {
                commit(res, resp, u, -1);
                res.setHeader("X-Accel-Buffering", "no");
                out = res.getOutputStream();
                while (n >= 0) {
                    if (n > 0) {
                        out.write(buf, 0, n);
                        out.flush();
                        tail.saw(buf, n);
                    }
                    watch.touch();
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        String why = watch.timedOut()
                                ? "upstream " + u.name() + " sent nothing for " + Units.format(config.idleTimeout())
                                : "upstream " + u.name() + " failed mid-stream: " + describe(e);
                        out.write(tail.errorEvent(why));
                        out.flush();
                        return new Outcome.Broken(resp.statusCode(), why);
                    }
                }
            } catch (IOException clientWrite) {
                return new Outcome.ClientGone(resp.statusCode());
            }
            return new Outcome.Relayed(resp.statusCode(), firstByte);
        } catch (IOException closing) {
            return new Outcome.Relayed(resp.statusCode(), System.nanoTime() - start);
        }
    }

    private Outcome buffered(Upstream u, HttpResponse<InputStream> resp, HttpServletResponse res, long start) {
        InputStream in = resp.body();
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        byte[] buf = new byte[CHUNK];
        try (in; IdleWatchdog.Watch watch = watchdog.watch(in)) {
            int n = 0;
            try {
                while (acc.size() <= config.responseBufferBytes() && (n = in.read(buf)) >= 0) {
                    acc.write(buf, 0, n);
                    watch.touch();
                }
            } catch (IOException e) {
                return new Outcome.Retry(watch.timedOut() ? Failure.TIMEOUT : Failure.RESET, false,
                        "response body failed: " + describe(e), null);
            }
            long firstByte = System.nanoTime() - start;
            boolean complete = n < 0;
            try {
                commit(res, resp, u, complete ? acc.size() : resp.headers().firstValueAsLong("content-length").orElse(-1));
                OutputStream out = res.getOutputStream();
                acc.writeTo(out);
                if (complete) return new Outcome.Relayed(resp.statusCode(), firstByte);
                // larger than the buffer: relay the rest as it comes
                try {
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                        watch.touch();
                    }
                } catch (IOException e) {
                    // a truncated plain body cannot be repaired: make the client's connection fail, not end cleanly
                    throw new UncheckedIOException("upstream " + u.name() + " failed mid-body", e);
                }
                return new Outcome.Relayed(resp.statusCode(), firstByte);
            } catch (IOException clientWrite) {
                return new Outcome.ClientGone(resp.statusCode());
            }
        } catch (IOException closing) {
            return new Outcome.Relayed(resp.statusCode(), System.nanoTime() - start);
        }
    }

    private static void commit(HttpServletResponse res, HttpResponse<?> resp, Upstream u, long length) {
        res.setStatus(resp.statusCode());
        resp.headers().map().forEach((k, vs) -> {
            if (Headers.relayResponse(k)) for (String v : vs) res.addHeader(k, v);
        });
        res.setHeader("X-Hearth-Upstream", u.name());
        if (length >= 0) res.setContentLengthLong(length);
    }

    /** Writes an upstream response that was kept because it might have been retried. */
    static void relay(Outcome.Buffered b, String upstream, HttpServletResponse res) throws IOException {
        res.setStatus(b.status());
        b.headers().map().forEach((k, vs) -> {
            if (Headers.relayResponse(k)) for (String v : vs) res.addHeader(k, v);
        });
        res.setHeader("X-Hearth-Upstream", upstream);
        res.setContentLength(b.body().length);
        res.getOutputStream().write(b.body());
    }

    private static String snippet(byte[] body) {
        if (body.length == 0) return "";
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return ": " + s;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }

    /** Remembers how the relayed bytes ended, so an error event starts on an event boundary. */
    static final class EventTail {
        private byte last = '\n';
        private byte beforeLast = '\n';

        void saw(byte[] b, int n) {
            if (n >= 2) {
                beforeLast = b[n - 2];
                last = b[n - 1];
            } else if (n == 1) {
                beforeLast = last;
                last = b[0];
            }
        }

        byte[] errorEvent(String message) {
            String sep = last == '\n' && beforeLast == '\n' ? "" : last == '\n' ? "\n" : "\n\n";
            ApiError e = new ApiError(502, "server_error", message, null, "upstream_failed", null);
            return (sep + "data: " + e.node() + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
