package hearth.engine.model;

import hearth.engine.tensor.Tensor;

/**
 * One transformer block's tensors. Shapes in ggml order [in, out]: wq [dim, heads*headDimK], wk/wv [dim, kvHeads*headDim],
 * wo [heads*headDimV, dim], gate/up [dim, ffn], down [ffn, dim]. Norm weights and biases are copied to float arrays
 * (they are small); optional ones are null.
 */
public record LayerWeights(
        float[] attnNorm,
        Tensor wq, Tensor wk, Tensor wv, Tensor wo,
        float[] bq, float[] bk, float[] bv,   // QKV biases (qwen2), or null
        float[] qNorm, float[] kNorm,         // per-head RMSNorm of q and k (qwen3), or null
        float[] ffnNorm,
        Tensor ffnGate, Tensor ffnUp, Tensor ffnDown) {}
