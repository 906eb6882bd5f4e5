package hearth.engine.model;

import hearth.engine.gguf.GgufFormatException;
import hearth.engine.gguf.GgufMetadata;

/**
 * Hyper-parameters of a decoder-only transformer, read from GGUF metadata ({@code <arch>.*} keys as llama.cpp names them).
 * Head sizes come from {@code attention.key_length}/{@code value_length} when present (they may differ from
 * embedding_length / head_count, e.g. the padded stories model).
 */
public record ModelConfig(
        String architecture,
        int dim,             // embedding_length
        int layers,          // block_count
        int ffnDim,          // feed_forward_length
        int heads,           // attention.head_count
        int kvHeads,         // attention.head_count_kv
        int headDimK,        // attention.key_length
        int headDimV,        // attention.value_length
        int vocabSize,
        int contextLength,
        float rmsEps,
        Rope rope) {

    /** How positions are encoded. {@code neox}: rotate pairs (i, i + dims/2); otherwise adjacent pairs (2i, 2i+1). */
    public record Rope(int dims, float freqBase, boolean neox, String scalingType, float scalingFactor,
                       int originalContext, float yarnBetaFast, float yarnBetaSlow, float yarnExtFactor, float attnFactor) {}

    public int qDim() {
        return heads * headDimK;
    }

    public int kvDimK() {
        return kvHeads * headDimK;
    }

    public int kvDimV() {
        return kvHeads * headDimV;
    }

    public static ModelConfig from(GgufMetadata md, boolean neoxRope) {
        String arch = md.getString("general.architecture");
        String p = arch + ".";
        int dim = md.getInt(p + "embedding_length");
        int heads = md.getInt(p + "attention.head_count");
        int kvHeads = md.getInt(p + "attention.head_count_kv", heads);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new GgufFormatException("invalid head counts: head_count " + heads + ", head_count_kv " + kvHeads);
        }
        int headDimK = md.getInt(p + "attention.key_length", dim / heads);
        int headDimV = md.getInt(p + "attention.value_length", dim / heads);
        int vocab = md.has(p + "vocab_size") ? md.getInt(p + "vocab_size") : md.getArray("tokenizer.ggml.tokens").length();
        int ropeDims = md.getInt(p + "rope.dimension_count", headDimK);
        String scaling = md.string(p + "rope.scaling.type").orElse("none");
        float factor = md.getFloat(p + "rope.scaling.factor", 1.0f);
        if (scaling.equals("none") && md.has(p + "rope.scale_linear")) {
            scaling = "linear";
            factor = md.getFloat(p + "rope.scale_linear");
        }
        int origCtx = md.getInt(p + "rope.scaling.original_context_length", md.getInt(p + "context_length", 4096));
        Rope rope = new Rope(ropeDims, md.getFloat(p + "rope.freq_base", 10000f), neoxRope, scaling, factor, origCtx,
                md.getFloat(p + "rope.scaling.yarn_beta_fast", 32f), md.getFloat(p + "rope.scaling.yarn_beta_slow", 1f),
                scaling.equals("yarn") ? 1f : 0f, md.getFloat(p + "rope.scaling.attn_factor", 1f));
        return new ModelConfig(arch, dim, md.getInt(p + "block_count"), md.getInt(p + "feed_forward_length"), heads, kvHeads,
                headDimK, headDimV, vocab, md.getInt(p + "context_length", 4096),
                md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), rope);
    }
}
