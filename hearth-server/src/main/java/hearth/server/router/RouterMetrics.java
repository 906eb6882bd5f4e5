package hearth.server.router;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Router series: what is loaded and how much memory it is estimated to hold, loads and unloads by model. */
final class RouterMetrics {
    private RouterMetrics() {}

    static void register(PrometheusRegistry registry, ModelRouter<?> router) {
        GaugeWithCallback.builder().name("hearth_model_loaded").help("1 when the model is loaded, else 0")
                .labelNames("model").callback(cb -> router.statuses().forEach(s ->
                        cb.call(s.state() == ModelRouter.State.LOADED ? 1 : 0, s.id()))).register(registry);
        GaugeWithCallback.builder().name("hearth_model_memory_bytes").help("Estimated bytes (weights + KV cache) of each loaded model")
                .labelNames("model").callback(cb -> router.statuses().forEach(s -> {
                    if (s.state() == ModelRouter.State.LOADED) cb.call(s.memoryBytes(), s.id());
                })).register(registry);
        GaugeWithCallback.builder().name("hearth_models_memory_bytes").help("Estimated bytes held by loaded and loading models")
                .callback(cb -> cb.call(router.memoryInUse())).register(registry);
        GaugeWithCallback.builder().name("hearth_models_memory_limit_bytes").help("--models-memory (0 = no limit)")
                .callback(cb -> cb.call(router.limits().memoryBytes())).register(registry);
        Counter loads = Counter.builder().name("hearth_model_loads").help("Model loads, by result (loaded, failed)")
                .labelNames("model", "result").register(registry);
        Counter unloads = Counter.builder().name("hearth_model_unloads").help("Model unloads, by reason (lru, idle, admin)")
                .labelNames("model", "reason").register(registry);
        router.events().listen(e -> {
            switch (e.type()) {
                case "loaded", "failed" -> loads.labelValues(e.model(), e.type()).inc();
                case "unloaded" -> unloads.labelValues(e.model(), String.valueOf(e.data().get("reason"))).inc();
                default -> { }
            }
        });
    }
}
