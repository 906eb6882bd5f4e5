package hearth.engine.quant;

/**
 * Which of llama.cpp's CPU mat-mul implementations (x86 AVX2 build of c392e50) computes a given product. They take the
 * same integer block sums but add the floats in different orders, so reproducing ggml's numbers bit for bit needs to
 * know which one ggml would use; see {@link Kernels#path}.
 */
public enum GgmlPath {
    /** ggml's per-output {@code ggml_vec_dot_*} (single activation rows, and everything tinyBLAS does not take). */
    VEC_DOT,
    /** llamafile's tinyBLAS ({@code llamafile_sgemm}): batches of 2+ activation rows of the types it supports. */
    SGEMM,
    /**
     * Q4_0 weights with a multiple of 8 rows, which llama.cpp repacks at load time into interleaved 8-row blocks
     * ({@code q4_0_8x8_q8_0}): one float accumulator per output, one fused multiply-add per block.
     */
    REPACKED_Q4_0;
}
