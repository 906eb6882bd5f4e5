package hearth.server.router;

import hearth.engine.gguf.GgufFile;
import hearth.engine.gguf.GgufMetadata;
import hearth.engine.kv.KvCacheType;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What loading a model costs: its weights (the file size: the engine maps the file and reads the weights in place)
 * plus its KV cache, computed as the engine allocates it: {@code slots × Σ_layers (rowBytes(K, kv_heads × key_length) +
 * rowBytes(V, kv_heads × value_length))}, where slots = context × parallel sequences rounded up to whole KV blocks and
 * rowBytes is 4 or 2 bytes a value for f32/f16 and 34 bytes per 32 values (rounded up) for q8_0.
 *
 * @param weightBytes bytes of the GGUF file(s)
 * @param kvBytes     bytes of the KV cache
 */
public record MemoryEstimate(long weightBytes, long kvBytes) {
    /** Tokens per KV block; the engine's default block size. */
    static final int BLOCK = 16;
    /** Context used when neither the preset nor the server sets one: the engine's rule (trained context, at most 4096). */
    static final int DEFAULT_CTX_CAP = 4096;

    public long total() {
        return weightBytes + kvBytes;
    }

    /**
     * Reads the model's shape from the GGUF header of {@code file} (first split). {@code ctx} 0 = the engine default.
     */
    public static MemoryEstimate of(Path file, long fileBytes, int ctx, int parallel, KvCacheType k, KvCacheType v) throws IOException {
        try (GgufFile g = GgufFile.open(file)) {
            return of(g.metadata(), fileBytes, ctx, parallel, k, v);
        }
    }

    static MemoryEstimate of(GgufMetadata md, long fileBytes, int ctx, int parallel, KvCacheType k, KvCacheType v) {
        String p = md.getString("general.architecture") + ".";
        int layers = md.getInt(p + "block_count");
        int embd = md.getInt(p + "embedding_length");
        int trained = md.getInt(p + "context_length", DEFAULT_CTX_CAP);
        int effCtx = ctx > 0 ? ctx : Math.min(trained, DEFAULT_CTX_CAP);
        long tokens = (long) effCtx * Math.max(1, parallel);
        long slots = (tokens + BLOCK - 1) / BLOCK * BLOCK;
        int[] heads = perLayer(md, p + "attention.head_count", layers, 1);
        int[] kvHeads = md.has(p + "attention.head_count_kv") ? perLayer(md, p + "attention.head_count_kv", layers, 1) : heads;
        long bytesPerSlot = 0;
        for (int l = 0; l < layers; l++) {
            int headDimK = md.getInt(p + "attention.key_length", heads[l] > 0 ? embd / heads[l] : 0);
            int headDimV = md.getInt(p + "attention.value_length", heads[l] > 0 ? embd / heads[l] : 0);
            bytesPerSlot += k.rowBytes(kvHeads[l] * headDimK) + v.rowBytes(kvHeads[l] * headDimV);
        }
        return new MemoryEstimate(fileBytes, bytesPerSlot * slots);
    }

    /** A per-layer count that GGUF stores either as one number or as an array with one entry per layer. */
    private static int[] perLayer(GgufMetadata md, String key, int layers, int fallback) {
        int[] out = new int[layers];
        if (!md.has(key)) {
            java.util.Arrays.fill(out, fallback);
        } else if (md.get(key).orElseThrow().value() instanceof hearth.engine.gguf.GgufValue.Array) {
            int[] a = md.getInts(key);
            for (int l = 0; l < layers; l++) out[l] = a.length == 0 ? fallback : a[Math.min(l, a.length - 1)];
        } else {
            java.util.Arrays.fill(out, md.getInt(key));
        }
        return out;
    }
}
