package hearth.engine;

import hearth.engine.kv.KvCacheType;
import java.nio.file.Path;

/**
 * How to load and run one model.
 *
 * @param threads        compute threads (default: available processors)
 * @param contextSize    most tokens one sequence may hold (prompt + output); 0 = the model's trained context, capped at 4096
 * @param parallel       sequences decoded together (slots)
 * @param maxBatchTokens most tokens per model step (prefill chunks + decode tokens)
 * @param kvCacheTokens  total KV cache capacity in tokens across sequences; 0 = contextSize * parallel
 * @param blockSize      tokens per KV block
 * @param queueSize      requests that may wait for a slot before submit is refused
 * @param prefixCache    reuse KV blocks of identical prompt prefixes
 * @param warmUp         run the model on made-up tokens at load, until the JIT has compiled its kernels ({@link WarmUp})
 */
public record EngineConfig(Path model, int threads, int contextSize, int parallel, int maxBatchTokens, int kvCacheTokens,
                           int blockSize, KvCacheType cacheTypeK, KvCacheType cacheTypeV, int queueSize, boolean prefixCache,
                           boolean warmUp) {
    public static EngineConfig of(Path model) {
        return new EngineConfig(model, Runtime.getRuntime().availableProcessors(), 0, 1, 512, 0, 16,
                KvCacheType.F16, KvCacheType.F16, 64, true, false);
    }

    public EngineConfig withThreads(int t) {
        return new EngineConfig(model, t, contextSize, parallel, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, warmUp);
    }

    public EngineConfig withContextSize(int c) {
        return new EngineConfig(model, threads, c, parallel, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, warmUp);
    }

    public EngineConfig withParallel(int p) {
        return new EngineConfig(model, threads, contextSize, p, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, warmUp);
    }

    public EngineConfig withMaxBatchTokens(int b) {
        return new EngineConfig(model, threads, contextSize, parallel, b, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, warmUp);
    }

    public EngineConfig withCacheTypes(KvCacheType k, KvCacheType v) {
        return new EngineConfig(model, threads, contextSize, parallel, maxBatchTokens, kvCacheTokens, blockSize, k, v, queueSize, prefixCache, warmUp);
    }

    public EngineConfig withQueueSize(int q) {
        return new EngineConfig(model, threads, contextSize, parallel, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, q, prefixCache, warmUp);
    }

    public EngineConfig withKvCacheTokens(int n) {
        return new EngineConfig(model, threads, contextSize, parallel, maxBatchTokens, n, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, warmUp);
    }

    public EngineConfig withPrefixCache(boolean on) {
        return new EngineConfig(model, threads, contextSize, parallel, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, on, warmUp);
    }

    public EngineConfig withWarmUp(boolean on) {
        return new EngineConfig(model, threads, contextSize, parallel, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, on);
    }

    /** The same settings for another model file. */
    public EngineConfig withModel(Path file) {
        return new EngineConfig(file, threads, contextSize, parallel, maxBatchTokens, kvCacheTokens, blockSize, cacheTypeK, cacheTypeV, queueSize, prefixCache, warmUp);
    }
}
