package hearth.gateway.metrics;

import hearth.gateway.Tier;
import hearth.gateway.Upstream;
import hearth.gateway.health.HealthState;
import hearth.gateway.registry.UpstreamRegistry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;

/**
 * Prometheus series per tier and upstream ({@code hearth_gateway_*}). Load and health are read at scrape time from
 * the live upstreams, so a departed upstream's gauges vanish with it; its counters are removed too, because job
 * ids make upstream names churn.
 */
public final class GatewayMetrics implements UpstreamRegistry.Listener {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final double[] LATENCY_BUCKETS = {
        .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter errors;
    private final Counter retries;
    private final Counter rejected;
    private final Histogram duration;
    private final Histogram firstByte;

    // No exemplars: nothing here traces requests, and the exemplar sampler allocated on every observation.
    public GatewayMetrics(Collection<Tier> tiers) {
        requests = Counter.builder().name("hearth_gateway_requests")
                .help("Requests answered through an upstream, by status code")
                .labelNames("tier", "upstream", "code").withoutExemplars().register(registry);
        errors = Counter.builder().name("hearth_gateway_upstream_errors")
                .help("Failed attempts at an upstream (connect, timeout, status_5xx, unavailable, reset, midstream)")
                .labelNames("tier", "upstream", "kind").withoutExemplars().register(registry);
        retries = Counter.builder().name("hearth_gateway_retries")
                .help("Attempts repeated on another upstream before the client got a byte")
                .labelNames("tier").withoutExemplars().register(registry);
        rejected = Counter.builder().name("hearth_gateway_rejected_requests")
                .help("Requests the gateway answered itself (unauthorized, too large, rate limited, no upstream)")
                .labelNames("tier", "reason").withoutExemplars().register(registry);
        duration = Histogram.builder().name("hearth_gateway_request_duration_seconds")
                .help("Time from request to the end of the upstream's response")
                .labelNames("tier", "upstream").classicUpperBounds(LATENCY_BUCKETS).classicOnly().withoutExemplars().register(registry);
        firstByte = Histogram.builder().name("hearth_gateway_first_byte_seconds")
                .help("Time from request to the first body byte from the upstream (time to first token when streaming)")
                .labelNames("tier", "upstream").classicUpperBounds(LATENCY_BUCKETS).classicOnly().withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("hearth_gateway_in_flight_requests")
                .help("Requests being served by an upstream now").labelNames("tier", "upstream")
                .callback(cb -> each(tiers, (t, u) -> cb.call(u.inFlight(), t.name(), u.name()))).register(registry);
        GaugeWithCallback.builder().name("hearth_gateway_upstream_up")
                .help("1 when the upstream may get new requests, else 0").labelNames("tier", "upstream", "status")
                .callback(cb -> each(tiers, (t, u) -> cb.call(u.health().eligible() ? 1 : 0, t.name(), u.name(),
                        u.health().status().name().toLowerCase(java.util.Locale.ROOT)))).register(registry);
        GaugeWithCallback.builder().name("hearth_gateway_upstreams")
                .help("Upstreams known per tier").labelNames("tier")
                .callback(cb -> tiers.forEach(t -> cb.call(t.upstreams().size(), t.name()))).register(registry);
    }

    private interface PerUpstream {
        void accept(Tier t, Upstream u);
    }

    private static void each(Collection<Tier> tiers, PerUpstream f) {
        for (Tier t : tiers) for (Upstream u : t.upstreams()) f.accept(t, u);
    }

    public void completed(String tier, String upstream, int status, long totalNanos, long firstByteNanos) {
        requests.labelValues(tier, upstream, Integer.toString(status)).inc();
        duration.labelValues(tier, upstream).observe(totalNanos / 1e9);
        if (firstByteNanos > 0) firstByte.labelValues(tier, upstream).observe(firstByteNanos / 1e9);
    }

    public void upstreamError(String tier, String upstream, String kind) {
        errors.labelValues(tier, upstream, kind).inc();
    }

    public void retried(String tier) {
        retries.labelValues(tier).inc();
    }

    public void rejected(String tier, String reason) {
        rejected.labelValues(tier, reason).inc();
    }

    @Override
    public void added(Upstream u) {
        // series appear with the first request
    }

    @Override
    public void removed(Upstream u) {
        String t = u.tier();
        String n = u.name();
        for (String kind : new String[] {"connect", "timeout", "status_5xx", "unavailable", "reset", "midstream", "busy"})
            errors.remove(t, n, kind);
        duration.remove(t, n);
        firstByte.remove(t, n);
        for (int code = 100; code < 600; code++) requests.remove(t, n, Integer.toString(code));
    }

    public static String kind(HealthState.Failure f) {
        return f.name().toLowerCase(java.util.Locale.ROOT);
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
