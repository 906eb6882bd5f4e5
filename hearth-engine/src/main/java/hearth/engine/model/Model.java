package hearth.engine.model;

import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;

/** A loaded model: runs forward steps over batches of tokens against a KV cache. Not thread-safe: one engine loop drives it. */
public interface Model extends AutoCloseable {
    ModelConfig config();

    /** Size of the model file(s) in bytes. */
    long fileBytes();

    /** A KV cache with room for {@code slots} tokens in total (all sequences). */
    KvCache newCache(int slots, KvCacheType typeK, KvCacheType typeV);

    /**
     * Runs one step: writes K/V of every batch token into {@code cache} and returns the logits of the tokens marked in
     * {@code batch.logits()}, one row of vocabSize floats each, in batch order, in {@code logits}.
     */
    void forward(ForwardBatch batch, KvCache cache, float[] logits);

    @Override
    void close();
}
