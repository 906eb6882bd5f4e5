package hearth.gateway.proxy;

import hearth.gateway.GatewayConfig;
import hearth.gateway.GatewayConfig.KeyConfig;
import hearth.gateway.Tier;
import hearth.gateway.Units;
import hearth.gateway.Upstream;
import hearth.gateway.balance.Balancer;
import hearth.gateway.front.EventLoop;
import hearth.gateway.front.Exchange;
import hearth.gateway.front.FrontRequest;
import hearth.gateway.front.ResponseWriter;
import hearth.gateway.health.HealthState;
import hearth.gateway.metrics.GatewayMetrics;
import hearth.gateway.security.ApiKeys;
import hearth.gateway.security.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request that is not the gateway's own: tier by prefix, key and rate check, body read (bounded), tier by
 * model, then attempts on upstreams until one answers. While no upstream is eligible the request waits up to
 * {@code queue_timeout}, then gets 503 with {@code Retry-After}. Runs on the client connection's thread of
 * {@link hearth.gateway.front.FrontServer}; errors the gateway answers become OpenAI-shaped JSON.
 */
public final class ProxyHandler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    private final GatewayConfig config;
    private final TierRouter router;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final RequestInspector inspector;
    private final Balancer balancer;
    private final GatewayMetrics metrics;
    private final Http1Client upstreams;
    private final Forwarder forwarder;
    private final RelayLoop relays;
    private final Map<EventLoop, LoopUpstreams> loopUpstreams = new ConcurrentHashMap<>(); // each used on its loop only

    /** {@code tls}: the context for {@code https://} upstreams. */
    public ProxyHandler(GatewayConfig config, TierRouter router, ApiKeys keys, RateLimiter limiter,
            GatewayMetrics metrics, SSLContext tls) {
        this.config = config;
        this.router = router;
        this.keys = keys;
        this.limiter = limiter;
        this.metrics = metrics;
        this.inspector = new RequestInspector(config.affinity());
        this.balancer = new Balancer(config.affinity().maxImbalance());
        var p = config.proxy();
        this.upstreams = new Http1Client(p.connectTimeout(), Units.finest(p.headersTimeout(), p.idleTimeout()), tls);
        this.relays = p.relayLoop() ? relayLoop(p) : null;
        this.forwarder = new Forwarder(upstreams, config.proxy(), relays);
    }

    /** Answers one proxied request; the front end completes the response when this returns. */
    public void handle(FrontRequest req, ResponseWriter client) {
        answering(client, req.method() + " " + req.path(), () -> proxy(req, client));
    }

    /** Goes on with a request the event loop began, on a thread, from where its attempts stand. */
    void forwardOnThread(ResponseWriter client, Prepared p, Attempts a) {
        String what = p.in().method() + " " + p.in().pathAndQuery() + " (tier " + p.tier().name() + ")";
        answering(client, what, () -> forward(client, p, a));
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work}; what it throws becomes an error the client gets, or a cut connection once it got a byte. */
    private static void answering(ResponseWriter client, String what, Work work) {
        try {
            work.run();
        } catch (ApiError.GatewayException e) {
            writeError(client, e.error());
        } catch (Throwable e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (!(e instanceof InterruptedException)) LOG.warn("{} failed: {}", what, e.toString());
            if (client.committed()) client.abort(); // the client's connection is cut: a truncated body must not look whole
            else writeError(client, new ApiError(500, "server_error", "internal gateway error", null, "internal_error", null));
        }
    }

    /**
     * Starts a request on the event loop: everything up to the choice of an upstream happens here, and the attempts
     * go on there ({@link LoopAttempt}) until one needs to wait for an upstream or reach one over TLS; that one and
     * any after it go on on a thread.
     */
    public boolean start(FrontRequest req, Exchange exchange) {
        long start = System.nanoTime();
        Prepared p;
        try {
            p = prepare(req, start);
        } catch (ApiError.GatewayException e) {
            writeError(exchange.response(), e.error());
            exchange.done();
            return true;
        } catch (IOException e) { // the body is in memory already: not expected
            throw new UncheckedIOException(e);
        }
        LoopUpstreams pool = loopUpstreams.computeIfAbsent(exchange.loop(), l -> new LoopUpstreams(l, config.proxy().connectTimeout()));
        new LoopAttempt(this, p, exchange, new Attempts(p), pool).next();
        return true;
    }

    private void proxy(FrontRequest req, ResponseWriter client) throws Exception {
        Prepared p = prepare(req, System.nanoTime());
        forward(client, p, new Attempts(p));
    }

    /** A request ready to forward: its tier, what the balancer needs to know of it, what goes upstream, when it came. */
    record Prepared(Tier tier, RequestFacts facts, Incoming in, long start) {}

    /** Where a request's attempts stand; they may begin on the event loop and go on on a thread. */
    final class Attempts {
        final Set<Upstream> tried = new HashSet<>();
        final long deadline;
        int made;
        Outcome.Retry last;
        Upstream lastUpstream;

        Attempts(Prepared p) {
            this.deadline = p.start() + config.proxy().queueTimeout().toNanos();
        }

        boolean exhausted() {
            return made >= config.proxy().maxAttempts();
        }
    }

    /** Routes, authorizes and rate-limits a request and reads its body: what it takes to choose an upstream. */
    private Prepared prepare(FrontRequest req, long start) throws IOException {
        String path = req.path();
        TierRouter.Match match = router.match(path);
        if (match == null) throw ApiError.notFound("no tier serves " + path, "unknown_route").exception();
        Tier tier = match.tier();
        KeyConfig key = authorize(req, tier);
        limit(key, tier);
        byte[] body = readBody(req, tier);
        RequestFacts facts = inspector.inspect(affinityHeader(req), body);
        if (config.routeByModel() && facts.model() != null) {
            Tier serving = router.servingModel(facts.model(), tier);
            if (serving != null && serving != tier) {
                tier = serving;
                authorize(req, tier);
            }
        }
        String query = req.query();
        Incoming in = new Incoming(req.method(), query == null ? match.path() : match.path() + "?" + query,
                match.tier().prefix(), req.headers(), body, keys.enabled(), req.remoteAddress(), "http", req.host());
        return new Prepared(tier, facts, in, start);
    }

    /** Attempts on upstreams, on this thread, from where {@code a} stands, until one answers or none is left. */
    void forward(ResponseWriter client, Prepared p, Attempts a) throws Exception {
        Tier tier = p.tier();
        boolean timedOut = false;
        while (!a.exhausted()) {
            Upstream u = acquire(tier, p.facts(), a.tried, a.deadline);
            if (u == null) {
                timedOut = true;
                break;
            }
            begun(tier, a);
            Outcome o;
            try {
                o = forwarder.attempt(u, p.in(), client);
            } finally {
                released(tier, u);
            }
            if (!(o instanceof Outcome.Retry r)) {
                finish(tier, u, o, p.start());
                return;
            }
            failed(tier, u, r, a);
        }
        giveUp(client, tier, timedOut ? null : a.last, a.lastUpstream, a.last);
    }

    /** An attempt begins on an upstream already acquired. */
    void begun(Tier tier, Attempts a) {
        if (++a.made > 1) metrics.retried(tier.name());
    }

    /** An attempt has ended: its upstream's slot is free. */
    static void released(Tier tier, Upstream u) {
        u.release();
        if (u.endpoint().maxConcurrent() > 0) tier.signal();
    }

    /** An attempt failed before the client got anything: judged, and the next one avoids its upstream. */
    void failed(Tier tier, Upstream u, Outcome.Retry r, Attempts a) {
        judge(tier, u, r);
        a.tried.add(u);
        a.last = r;
        a.lastUpstream = u;
    }

    /** An eligible upstream, acquired, without waiting; null when none is eligible now. */
    Upstream tryAcquire(Prepared p, Attempts a) {
        return balancer.acquire(Balancer.servingModel(p.tier().upstreams(), p.facts().model()), p.facts().affinityKey(), a.tried);
    }

    /** Every attempt failed, or no upstream became eligible in time (as {@link #giveUp} on a thread). */
    void gaveUp(ResponseWriter client, Prepared p, Attempts a, boolean timedOut) {
        try {
            giveUp(client, p.tier(), timedOut ? null : a.last, a.lastUpstream, a.last);
        } catch (ApiError.GatewayException e) {
            writeError(client, e.error());
        } catch (IOException gone) {
            client.abort();
        }
    }

    GatewayConfig.ProxyConfig proxyConfig() {
        return config.proxy();
    }

    /** Applies a retryable failure to the upstream's health and the metrics. */
    private void judge(Tier tier, Upstream u, Outcome.Retry r) {
        HealthState h = u.health();
        boolean changed;
        String kind;
        if (r.unavailable()) {
            changed = h.unavailable("answered 503 to a request");
            kind = "unavailable";
        } else if (r.failure() != null) {
            changed = h.requestFailed(r.failure(), r.reason());
            kind = GatewayMetrics.kind(r.failure());
            u.countFailure();
        } else {
            changed = false;
            kind = "busy";
        }
        metrics.upstreamError(tier.name(), u.name(), kind);
        LOG.debug("attempt at {} failed: {}", u, r.reason());
        if (changed) {
            LOG.info("upstream {} is now {} ({})", u, h.status(), r.reason());
            tier.signal();
        }
    }

    void finish(Tier tier, Upstream u, Outcome o, long start) {
        long total = System.nanoTime() - start;
        switch (o) {
            case Outcome.Relayed r -> {
                if (r.status() < 500 && u.health().requestSucceeded()) tier.signal();
                metrics.completed(tier.name(), u.name(), r.status(), total, r.firstByteNanos());
            }
            case Outcome.Broken b -> {
                LOG.warn("stream from {} broke after the first byte: {}", u, b.reason());
                u.countFailure();
                if (u.health().requestFailed(HealthState.Failure.RESET, b.reason())) tier.signal();
                metrics.upstreamError(tier.name(), u.name(), "midstream");
                metrics.completed(tier.name(), u.name(), b.status(), total, 0);
            }
            case Outcome.ClientGone g -> {
                LOG.debug("client left while {} was answering; upstream request cancelled", u);
                metrics.completed(tier.name(), u.name(), 499, total, 0);
            }
            case Outcome.Retry r -> throw new IllegalStateException("retry is not final");
        }
    }

    /**
     * Every attempt failed ({@code exhausted}: relay the last upstream answer, or 502) or the wait for an eligible
     * upstream ran out (503 with {@code Retry-After}; an earlier upstream answer is stale by then).
     */
    private void giveUp(ResponseWriter client, Tier tier, Outcome.Retry exhausted, Upstream lastUpstream, Outcome.Retry last)
            throws IOException {
        if (exhausted != null && exhausted.response() != null) {
            metrics.completed(tier.name(), lastUpstream.name(), exhausted.response().status(), 0, 0);
            int status = exhausted.response().status();
            if ((status == 503 || status == 429) && exhausted.response().headers().stream().noneMatch(h -> h[0].equalsIgnoreCase("retry-after")))
                client.setHeader("Retry-After", Long.toString(ApiError.unavailable("", config.proxy().retryAfter()).retryAfterSeconds()));
            Forwarder.relay(exhausted.response(), lastUpstream.name(), client);
            return;
        }
        if (exhausted != null) {
            metrics.rejected(tier.name(), "upstream_failed");
            throw ApiError.badGateway("no upstream of tier '" + tier.name() + "' could answer; last error: " + exhausted.reason()).exception();
        }
        metrics.rejected(tier.name(), "no_upstream");
        String why = tier.upstreams().isEmpty() ? "tier '" + tier.name() + "' has no upstreams"
                : "no healthy upstream in tier '" + tier.name() + "'";
        String lastError = last == null ? "" : "; last error: " + last.reason();
        throw ApiError.unavailable(why + " (waited " + Units.format(config.proxy().queueTimeout()) + lastError + ")",
                config.proxy().retryAfter()).exception();
    }

    /** Picks an upstream, waiting (bounded by {@code deadline}) while none is eligible. */
    private Upstream acquire(Tier tier, RequestFacts facts, Set<Upstream> tried, long deadline) throws InterruptedException {
        while (true) {
            long seen = tier.version();
            List<Upstream> pool = Balancer.servingModel(tier.upstreams(), facts.model());
            Upstream u = balancer.acquire(pool, facts.affinityKey(), tried);
            if (u != null) return u;
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            long wake = left;
            for (Upstream x : pool) {
                long c = x.health().cooldownRemainingNanos();
                if (c > 0) wake = Math.min(wake, c);
            }
            tier.await(seen, wake);
        }
    }

    private KeyConfig authorize(FrontRequest req, Tier tier) {
        try {
            return keys.check(req.header("authorization"), req.header("x-api-key"), tier.name());
        } catch (ApiError.GatewayException e) {
            metrics.rejected(tier.name(), e.error().status() == 403 ? "forbidden" : "unauthorized");
            throw e;
        }
    }

    private void limit(KeyConfig key, Tier tier) {
        try {
            limiter.acquire(key);
        } catch (ApiError.GatewayException e) {
            metrics.rejected(tier.name(), "rate_limited");
            throw e;
        }
    }

    private byte[] readBody(FrontRequest req, Tier tier) throws IOException {
        long limit = config.proxy().maxBodyBytes();
        long declared = req.contentLength();
        if (declared > limit) {
            metrics.rejected(tier.name(), "too_large");
            throw ApiError.tooLarge(limit).exception();
        }
        if (declared == 0) return new byte[0];
        // sized by Content-Length when there is one: readNBytes(limit) would start with a buffer of the limit's scale
        byte[] body = new byte[declared > 0 ? (int) declared : (int) Math.min(limit + 1, 1024)];
        int n = 0;
        InputStream in = req.body();
        while (true) {
            if (n == body.length) {
                if (declared > 0 || n > limit) break; // a declared length is all there is; past the limit is too large
                body = Arrays.copyOf(body, (int) Math.min(Integer.MAX_VALUE - 8, Math.min(limit + 1, 2L * n)));
            }
            int r = in.read(body, n, body.length - n);
            if (r < 0) break;
            n += r;
        }
        if (n > limit) {
            metrics.rejected(tier.name(), "too_large");
            throw ApiError.tooLarge(limit).exception();
        }
        return n == body.length ? body : Arrays.copyOf(body, n);
    }

    private String affinityHeader(FrontRequest req) {
        String name = inspector.affinityHeader();
        return name == null ? null : req.header(name);
    }

    /** Writes an error the gateway answers itself, or cuts the connection when the response has begun. */
    static void writeError(ResponseWriter client, ApiError e) {
        if (client.committed()) {
            client.abort();
            return;
        }
        client.status(e.status());
        client.setHeader("Content-Type", "application/json");
        if (e.retryAfter() != null) client.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        byte[] json = e.json();
        try {
            client.write(json, 0, json.length, true);
        } catch (ResponseWriter.ClientGone ignored) {
            // nobody left to tell
        }
    }

    private static RelayLoop relayLoop(GatewayConfig.ProxyConfig p) {
        try {
            return new RelayLoop(p.idleTimeout(), "gateway-relay", p.shortSlice());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the relay loop", e);
        }
    }

    @Override
    public void close() {
        if (relays != null) relays.close();
        loopUpstreams.values().forEach(LoopUpstreams::close);
        upstreams.close();
    }
}
