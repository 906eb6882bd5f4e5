package hearth.gateway;

import hearth.gateway.admin.ModelsHandler;
import hearth.gateway.admin.NginxConfig;
import hearth.gateway.admin.RegistryHandler;
import hearth.gateway.admin.StatusHandler;
import hearth.gateway.front.Exchange;
import hearth.gateway.front.FrontRequest;
import hearth.gateway.front.FrontServer;
import hearth.gateway.front.ResponseWriter;
import hearth.gateway.health.HealthChecker;
import hearth.gateway.health.HealthPolicy;
import hearth.gateway.health.HealthState;
import hearth.gateway.metrics.GatewayMetrics;
import hearth.gateway.proxy.AdminRelay;
import hearth.gateway.proxy.ApiError;
import hearth.gateway.proxy.ProxyHandler;
import hearth.gateway.proxy.TierRouter;
import hearth.gateway.registry.Endpoint;
import hearth.gateway.registry.HttpRegistrations;
import hearth.gateway.registry.RegistryDirectory;
import hearth.gateway.registry.UpstreamRegistry;
import hearth.gateway.security.ApiKeys;
import hearth.gateway.security.RateLimiter;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: one stable URL in front of tiers of OpenAI-compatible servers that come and go. Wiring and the
 * route table live here; each concern is in its package ({@code registry/}, {@code balance/}, {@code health/},
 * {@code proxy/}, {@code security/}, {@code metrics/}, {@code admin/}).
 *
 * <p>Clients connect to the {@link FrontServer}. Own routes (they take precedence over the {@code /} tier):
 * {@code /health}, {@code /healthz}, {@code /metrics}, {@code /gateway/status}, {@code /v1/models} (merged),
 * {@code POST /registry}, {@code DELETE /registry/{name}}; Javalin serves them on a loopback port and
 * {@link AdminRelay} passes them there. Everything else goes to the {@link ProxyHandler}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final List<Tier> tiers;
    private final UpstreamRegistry registry;
    private final RegistryDirectory directory;
    private final HealthChecker checker;
    private final GatewayMetrics metrics;
    private final ProxyHandler proxy;
    private final HttpClient client;
    private final ScheduledExecutorService ticker;
    private final Javalin app;
    private final FrontServer front;
    private AdminRelay admin;

    public Gateway(GatewayConfig config) {
        this(config, Clock.systemUTC());
    }

    public Gateway(GatewayConfig config, Clock clock) {
        this.config = config;
        Map<String, Tier> byName = new LinkedHashMap<>();
        for (GatewayConfig.TierConfig t : config.tiers()) byName.put(t.name(), new Tier(t));
        this.tiers = List.copyOf(byName.values());
        SSLContext tls;
        try {
            tls = UpstreamTls.context(config.proxy().caFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.proxy().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(tls)
                .build();
        HealthPolicy policy = new HealthPolicy(config.health().fall(), config.health().rise(), config.proxy().cooldown(),
                config.proxy().cooldownMax(), config.health().active());
        this.registry = new UpstreamRegistry(byName, configured(config),
                new HttpRegistrations(config.registry().httpTtl(), clock), e -> new HealthState(policy, System::nanoTime));
        this.metrics = new GatewayMetrics(tiers);
        registry.addListener(metrics);
        this.checker = config.health().active()
                ? new HealthChecker(tiers, config.health().path(), config.health().interval(), config.health().timeout(), client)
                : null;
        if (checker != null) registry.addListener(checker);
        registry.reconcile();
        var r = config.registry();
        this.directory = r.dir() == null ? null
                : new RegistryDirectory(r.dir(), r.rescan(), r.heartbeatTtl(), clock, registry::filesChanged);
        TierRouter router = new TierRouter(tiers);
        this.proxy = new ProxyHandler(config, router, new ApiKeys(config.keys()), new RateLimiter(System::nanoTime),
                metrics, tls);
        this.ticker = Executors.newSingleThreadScheduledExecutor(x -> Thread.ofPlatform().daemon().name("registry-expiry").unstarted(x));
        this.app = Javalin.create(c -> configure(c, new ApiKeys(config.keys()), clock));
        var p = config.proxy();
        this.front = new FrontServer(new Routes(), new FrontServer.Options(p.virtualThreads() ? Integer.MAX_VALUE : p.maxThreads(), p.virtualThreads(),
                FrontServer.Options.defaults().keepAlive(), FrontServer.Options.defaults().readTimeout(), p.shortSlice(),
                p.loops(),
                Units.finest(p.connectTimeout(), Units.finest(p.headersTimeout(), p.idleTimeout()))));
    }

    /** The front end's dispatch: own routes to Javalin through the relay, the rest to the proxy. */
    private final class Routes implements FrontServer.Handler {
        @Override
        public void handle(FrontRequest request, ResponseWriter response) throws Exception {
            if (ownRoute(request.method(), request.path())) admin.handle(request, response);
            else proxy.handle(request, response);
        }

        @Override
        public boolean start(FrontRequest request, Exchange exchange) {
            return !ownRoute(request.method(), request.path()) && proxy.start(request, exchange);
        }

        @Override
        public byte[] errorBody(int status, String message) {
            String type = status >= 500 ? "server_error" : "invalid_request_error";
            return new ApiError(status, type, message, null, null, null).json();
        }
    }

    /** Static upstreams from the config, as registry entries that never expire. */
    static List<Endpoint> configured(GatewayConfig config) {
        List<Endpoint> out = new ArrayList<>();
        for (GatewayConfig.TierConfig t : config.tiers())
            for (GatewayConfig.StaticUpstream s : t.upstreams())
                out.add(new Endpoint(s.name(), t.name(), URI.create(s.url()), s.models(), null, null, null,
                        Endpoint.Source.CONFIG, s.apiKey(), s.maxConcurrent()));
        return out;
    }

    private void configure(JavalinConfig c, ApiKeys keys, Clock clock) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.http.compressionStrategy = CompressionStrategy.NONE;
        c.http.maxRequestSize = config.proxy().maxBodyBytes();
        c.routes.exception(ApiError.GatewayException.class, (e, ctx) -> writeError(ctx, e.error()));
        c.routes.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
            if (!ctx.res().isCommitted()) writeError(ctx, new ApiError(500, "server_error", "internal gateway error", null, "internal_error", null));
        });
        StatusHandler status = new StatusHandler(tiers, registry, directory, clock);
        ModelsHandler models = new ModelsHandler(tiers, keys, client);
        RegistryHandler reg = new RegistryHandler(registry, config.registry().token());
        var r = c.routes;
        r.get("/health", status::health);
        r.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
        r.get("/metrics", this::metrics);
        r.get("/gateway/status", status::status);
        r.get("/v1/models", models::list);
        r.post("/registry", reg::register);
        r.delete("/registry/{name}", reg::deregister);
    }

    /** The routes {@link #configure} gives Javalin, by method and raw path (a trailing slash ignored, as Javalin does). */
    static boolean ownRoute(String method, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return switch (method) {
            case "GET" -> switch (p) {
                case "/health", "/healthz", "/metrics", "/gateway/status", "/v1/models" -> true;
                default -> false;
            };
            case "POST" -> p.equals("/registry");
            case "DELETE" -> p.startsWith("/registry/") && p.length() > "/registry/".length() && p.indexOf('/', "/registry/".length()) < 0;
            default -> false;
        };
    }

    private static void writeError(Context ctx, ApiError e) {
        if (ctx.res().isCommitted()) return;
        ctx.status(e.status()).contentType("application/json").result(e.json());
        if (e.retryAfter() != null) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
    }

    private void metrics(Context ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        metrics.write(out);
        ctx.contentType(GatewayMetrics.CONTENT_TYPE).result(out.toByteArray());
    }

    public Gateway start() {
        if (directory != null) directory.start();
        long tick = Math.max(50, Math.min(1000, config.registry().httpTtl().toMillis() / 4));
        ticker.scheduleWithFixedDelay(registry::expire, tick, tick, TimeUnit.MILLISECONDS);
        if (checker != null) checker.start();
        app.start("127.0.0.1", 0);
        admin = new AdminRelay(URI.create("http://127.0.0.1:" + app.port()), config.proxy().maxBodyBytes());
        try {
            front.start(config.host(), config.port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        LOG.info("gateway listening on {} with tiers {}", baseUri(), tiers);
        var r = config.registry();
        var h = config.health();
        var p = config.proxy();
        LOG.info("config: registry dir={} rescan={} heartbeat_ttl={} http registry={}; health {} every {} (fall {}, rise {}); "
                + "attempts {}, queue_timeout {}, max_body {} B, {}, event loops {}, relay loop {}, short slice {}; gateway keys: {}; route_by_model {}",
                r.dir(), Units.format(r.rescan()), Units.format(r.heartbeatTtl()), r.token() == null ? "off" : "on (token ****)",
                h.path(), h.active() ? Units.format(h.interval()) : "never", h.fall(), h.rise(), p.maxAttempts(),
                Units.format(p.queueTimeout()), p.maxBodyBytes(),
                p.virtualThreads() ? "virtual threads" : "up to " + p.maxThreads() + " connections",
                p.loops() == 0 ? "off" : p.loops(), p.relayLoop() ? "on" : "off",
                p.shortSlice() && !p.virtualThreads() && p.loops() == 0 ? "asked" : "off (the kernel's)", config.keys().size(),
                config.routeByModel());
        return this;
    }

    public int port() {
        return front.port();
    }

    public URI baseUri() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    public List<Tier> tiers() {
        return tiers;
    }

    public UpstreamRegistry registry() {
        return registry;
    }

    /** The nginx configuration for the current tiers and upstreams ({@code --print-nginx}). */
    public static String nginxConfig(GatewayConfig config) {
        List<Endpoint> all = new ArrayList<>(configured(config));
        var r = config.registry();
        if (r.dir() != null) {
            List<Endpoint> fromFiles = new ArrayList<>();
            new RegistryDirectory(r.dir(), r.rescan(), r.heartbeatTtl(), Clock.systemUTC(), fromFiles::addAll).scan();
            all.addAll(fromFiles);
        }
        return NginxConfig.render(config, all);
    }

    @Override
    public void close() {
        front.close();
        if (admin != null) admin.close();
        app.stop();
        ticker.shutdownNow();
        if (directory != null) directory.close();
        if (checker != null) checker.close();
        proxy.close();
        client.close();
    }
}
