package hearth.engine.kv;

import java.util.Locale;

/**
 * Element type of the KV cache (llama.cpp's --cache-type-k/-v names). {@link #Q8_0} is ggml's block format: each run
 * of 32 values of a slot's row is one block of an fp16 scale followed by 32 signed bytes (34 bytes, 8.5 bits a value).
 */
public enum KvCacheType {
    F32, F16, Q8_0;

    /** Values per Q8_0 block. */
    public static final int Q8_BLOCK = 32;
    /** Bytes per Q8_0 block: fp16 scale + 32 int8. */
    public static final int Q8_BLOCK_BYTES = 2 + Q8_BLOCK;

    /** Bytes a row of {@code n} values occupies; a Q8_0 row ends with a zero-padded block when n is not a multiple of 32. */
    public long rowBytes(int n) {
        return switch (this) {
            case F32 -> 4L * n;
            case F16 -> 2L * n;
            case Q8_0 -> (long) ((n + Q8_BLOCK - 1) / Q8_BLOCK) * Q8_BLOCK_BYTES;
        };
    }

    /** The llama.cpp spelling ({@code f16}, {@code q8_0}). */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KvCacheType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32" -> F32;
            case "f16" -> F16;
            case "q8_0" -> Q8_0;
            default -> throw new IllegalArgumentException("unsupported KV cache type '" + s + "' (f32, f16, q8_0)");
        };
    }
}
