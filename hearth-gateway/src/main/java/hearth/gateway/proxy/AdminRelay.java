package hearth.gateway.proxy;

import hearth.gateway.front.FrontRequest;
import hearth.gateway.front.ResponseWriter;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own routes ({@code /health}, {@code /metrics}, {@code /gateway/status}, {@code /v1/models},
 * {@code /registry}) are served by its Javalin app on a loopback port; the front end relays them there unchanged
 * (credentials included: those handlers check them) and writes the answer back whole. They are few and small, so
 * the extra local hop costs nothing that matters, and the proxy path keeps a front end without Jetty's hand-offs.
 */
public final class AdminRelay implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final long maxBodyBytes;
    private final Http1Client client = new Http1Client(Duration.ofSeconds(3), TIMEOUT, null);

    public AdminRelay(URI base, long maxBodyBytes) {
        this.base = base;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void handle(FrontRequest req, ResponseWriter res) throws IOException {
        if (req.contentLength() > maxBodyBytes) {
            ProxyHandler.writeError(res, ApiError.tooLarge(maxBodyBytes));
            return;
        }
        byte[] body = req.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (body.length > maxBodyBytes) {
            ProxyHandler.writeError(res, ApiError.tooLarge(maxBodyBytes));
            return;
        }
        List<String[]> headers = new ArrayList<>(req.headers().size() + 1);
        for (String[] h : req.headers()) if (Headers.forwardRequest(h[0], false)) headers.add(h);
        headers.add(new String[] {"X-Forwarded-For", req.remoteAddress()});
        Http1Response r = client.send(base, req.method(), req.pathAndQuery(), headers, body, TIMEOUT, TIMEOUT);
        byte[] answer;
        try (Http1Response.Body in = r.body()) {
            answer = in.readAllBytes();
        }
        res.status(r.status());
        for (String[] h : r.headers()) if (Headers.relayResponse(h[0])) res.addHeader(h[0], h[1]);
        res.setHeader("Content-Length", Integer.toString(answer.length));
        res.write(answer, 0, answer.length, true);
    }

    @Override
    public void close() {
        client.close();
    }
}
