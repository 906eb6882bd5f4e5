package hearth.server.metrics;

import hearth.engine.sched.EngineLoop;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's Prometheus series: native {@code hearth_*} names with label {@code model}, and the vLLM names
 * dashboards know ({@code vllm:*}, labels {@code model} and {@code model_name}). Prometheus-metrics accepts ':' in
 * metric names (it is legal in the exposition format), so the aliases are ordinary registered metrics.
 * Engine gauges are read from {@link EngineLoop.Stats} at scrape time, one series per loaded model (router mode
 * serves several); request series carry the model each request used.
 */
public final class ServerMetrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80};
    private static final double[] ITL_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5};
    private static final double[] E2E_BUCKETS = {0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 1, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String defaultModel;
    private final Map<String, RateWindow> tokenRates = new ConcurrentHashMap<>();
    private final Counter requests;
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final Histogram ttft;
    private final Histogram itl;
    private final Histogram e2e;
    private final Counter vllmPromptTokens;
    private final Counter vllmGenerationTokens;
    private final Histogram vllmTtft;
    private final Histogram vllmE2e;

    /**
     * @param defaultModel label of requests that name no model (routes without a model; "" in router mode)
     * @param stats        engine counters of every loaded model, by model id
     */
    public ServerMetrics(String defaultModel, Supplier<Map<String, EngineLoop.Stats>> stats) {
        this.defaultModel = defaultModel;
        if (!defaultModel.isEmpty()) tokenRates.put(defaultModel, new RateWindow(10));
        requests = Counter.builder().name("hearth_requests").help("HTTP requests answered, by status code")
                .labelNames("model", "status").withoutExemplars().register(registry);
        promptTokens = counter("hearth_prompt_tokens", "Prompt tokens processed");
        generationTokens = counter("hearth_generation_tokens", "Tokens generated");
        ttft = histogram("hearth_time_to_first_token_seconds", "Time from request arrival to the first generated token", TTFT_BUCKETS);
        itl = histogram("hearth_inter_token_latency_seconds", "Time between consecutive generated tokens of a request", ITL_BUCKETS);
        e2e = histogram("hearth_request_duration_seconds", "End-to-end latency of generation requests", E2E_BUCKETS);
        GaugeWithCallback.builder().name("hearth_generation_tokens_per_second").help("Generated tokens per second over the last 10 s")
                .labelNames("model").callback(cb -> {
                    long now = System.nanoTime();
                    tokenRates.forEach((m, w) -> cb.call(w.perSecond(now), m));
                }).register(registry);
        gauge(stats, "hearth_queue_depth", "Requests waiting for a slot", EngineLoop.Stats::waiting);
        gauge(stats, "hearth_active_requests", "Requests being generated", EngineLoop.Stats::running);
        gauge(stats, "hearth_kv_cache_blocks_used", "KV cache blocks in use", EngineLoop.Stats::usedBlocks);
        gauge(stats, "hearth_kv_cache_blocks_total", "KV cache blocks in all", EngineLoop.Stats::totalBlocks);
        GaugeWithCallback.builder().name("hearth_kv_cache_bytes").help("Bytes of the KV cache, by element type of keys and values")
                .labelNames("model", "type_k", "type_v").callback(cb -> stats.get().forEach((m, st) -> {
                    if (st.cacheTypeK() != null) cb.call(st.kvCacheBytes(), m, st.cacheTypeK().flagName(), st.cacheTypeV().flagName());
                })).register(registry);
        counterFn(stats, "hearth_prefix_cache_queries", "Prefix-cache lookups", EngineLoop.Stats::prefixQueries);
        counterFn(stats, "hearth_prefix_cache_hits", "Prefix-cache lookups that found cached blocks", EngineLoop.Stats::prefixHits);

        GaugeWithCallback.builder().name("vllm:num_requests_running").help("Number of requests in model execution batches.")
                .labelNames("model", "model_name").callback(cb -> stats.get().forEach((m, st) -> cb.call(st.running(), m, m))).register(registry);
        GaugeWithCallback.builder().name("vllm:num_requests_waiting").help("Number of requests waiting to be processed.")
                .labelNames("model", "model_name").callback(cb -> stats.get().forEach((m, st) -> cb.call(st.waiting(), m, m))).register(registry);
        GaugeWithCallback.builder().name("vllm:kv_cache_usage_perc").help("KV-cache usage. 1 means 100 percent usage.")
                .labelNames("model", "model_name").callback(cb -> stats.get().forEach((m, st) ->
                        cb.call(st.totalBlocks() == 0 ? 0 : (double) st.usedBlocks() / st.totalBlocks(), m, m))).register(registry);
        vllmPromptTokens = Counter.builder().name("vllm:prompt_tokens").help("Number of prefill tokens processed.")
                .labelNames("model", "model_name").withoutExemplars().register(registry);
        vllmGenerationTokens = Counter.builder().name("vllm:generation_tokens").help("Number of generation tokens processed.")
                .labelNames("model", "model_name").withoutExemplars().register(registry);
        vllmTtft = Histogram.builder().name("vllm:time_to_first_token_seconds").help("Histogram of time to first token in seconds.")
                .classicOnly().classicUpperBounds(TTFT_BUCKETS).labelNames("model", "model_name").withoutExemplars().register(registry);
        vllmE2e = Histogram.builder().name("vllm:e2e_request_latency_seconds").help("Histogram of end to end request latency in seconds.")
                .classicOnly().classicUpperBounds(E2E_BUCKETS).labelNames("model", "model_name").withoutExemplars().register(registry);
    }

    private Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).labelNames("model").withoutExemplars().register(registry);
    }

    private Histogram histogram(String name, String help, double[] buckets) {
        // no exemplars: nothing traces requests, and the sampler allocates on every observation (per token for ITL)
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(buckets).labelNames("model").withoutExemplars().register(registry);
    }

    private void gauge(Supplier<Map<String, EngineLoop.Stats>> stats, String name, String help, java.util.function.ToLongFunction<EngineLoop.Stats> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("model")
                .callback(cb -> stats.get().forEach((m, st) -> cb.call(value.applyAsLong(st), m))).register(registry);
    }

    private void counterFn(Supplier<Map<String, EngineLoop.Stats>> stats, String name, String help, java.util.function.ToLongFunction<EngineLoop.Stats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("model")
                .callback(cb -> stats.get().forEach((m, st) -> cb.call(value.applyAsLong(st), m))).register(registry);
    }

    /** Where further series (e.g. the router's) register. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Counts an answered request by status (every route); {@code model} null = the default label. */
    public void request(String model, int status) {
        requests.labelValues(model != null ? model : defaultModel, String.valueOf(status)).inc();
    }

    /** Records a finished generation request: tokens, time to first token (NaN if none) and duration, in seconds. */
    public void generation(String model, int prompt, int generated, double ttftSeconds, double e2eSeconds) {
        promptTokens.labelValues(model).inc(prompt);
        generationTokens.labelValues(model).inc(generated);
        vllmPromptTokens.labelValues(model, model).inc(prompt);
        vllmGenerationTokens.labelValues(model, model).inc(generated);
        if (!Double.isNaN(ttftSeconds)) {
            ttft.labelValues(model).observe(ttftSeconds);
            vllmTtft.labelValues(model, model).observe(ttftSeconds);
        }
        e2e.labelValues(model).observe(e2eSeconds);
        vllmE2e.labelValues(model, model).observe(e2eSeconds);
    }

    /** Records tokens as they are generated (for the tokens/s gauge). */
    public void tokens(String model, int n, long nowNanos) {
        tokenRates.computeIfAbsent(model, k -> new RateWindow(10)).add(n, nowNanos);
    }

    public void interTokenLatency(String model, double seconds) {
        itl.labelValues(model).observe(seconds);
    }

    /** Writes the Prometheus text exposition of all series. */
    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
