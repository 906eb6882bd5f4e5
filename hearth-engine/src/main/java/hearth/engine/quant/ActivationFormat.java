package hearth.engine.quant;

/**
 * How the activation vector is prepared before a mat-mul with a given weight type. This mirrors ggml's
 * {@code vec_dot_type}: the CPU backend first converts the activations to this format, then computes every dot product
 * against the converted copy, so we do the same to get ggml's numbers.
 */
public enum ActivationFormat {
    /** plain floats */
    F32,
    /** floats rounded to IEEE half precision (F16 weights) */
    F16,
    /** floats rounded to bfloat16 (BF16 weights) */
    BF16,
    /** blocks of 32: int8 values and an fp16 scale (Q4_0, Q5_0, Q8_0, IQ4_NL weights) */
    Q8_0,
    /** blocks of 32: int8 values, fp16 scale and fp16 scale*sum (Q4_1, Q5_1 weights) */
    Q8_1,
    /** blocks of 256: int8 values, float scale and sums of 16 values (all K-quants) */
    Q8_K;

    /** Elements per quantisation block (1 for the float formats). */
    public int blockSize() {
        return switch (this) {
            case F32, F16, BF16 -> 1;
            case Q8_0, Q8_1 -> 32;
            case Q8_K -> 256;
        };
    }

    public boolean isQuantized() {
        return blockSize() > 1;
    }
}
