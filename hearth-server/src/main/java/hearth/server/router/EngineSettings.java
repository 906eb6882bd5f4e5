package hearth.server.router;

import hearth.engine.EngineConfig;
import hearth.engine.kv.KvCacheType;

/** The engine configuration of one catalog model: the server's defaults, overridden by the model's preset. */
public final class EngineSettings {
    private EngineSettings() {}

    /** {@code defaults} carries the server-wide flags (threads, ctx size, parallel, cache types, warm-up); its model path is replaced. */
    public static EngineConfig of(CatalogEntry entry, EngineConfig defaults) {
        ModelPreset p = entry.preset();
        EngineConfig c = defaults.withModel(entry.file());
        if (p.ctxSize() > 0) c = c.withContextSize(p.ctxSize());
        if (p.parallel() > 0) c = c.withParallel(p.parallel());
        KvCacheType k = p.cacheTypeK().orElse(c.cacheTypeK()), v = p.cacheTypeV().orElse(c.cacheTypeV());
        return c.withCacheTypes(k, v);
    }

    /** What loading {@code entry} with {@code cfg} will take. */
    public static MemoryEstimate estimate(CatalogEntry entry, EngineConfig cfg) throws java.io.IOException {
        // An explicit KV capacity replaces context x parallel (the engine's own rule).
        if (cfg.kvCacheTokens() > 0) return MemoryEstimate.of(entry.file(), entry.bytes(), cfg.kvCacheTokens(), 1, cfg.cacheTypeK(), cfg.cacheTypeV());
        return MemoryEstimate.of(entry.file(), entry.bytes(), cfg.contextSize(), cfg.parallel(), cfg.cacheTypeK(), cfg.cacheTypeV());
    }
}
