package hearth.engine.kv;

/** Element type of the KV cache (llama.cpp's --cache-type-k/-v names). */
public enum KvCacheType {
    F32(4), F16(2);

    public final int bytes;

    KvCacheType(int bytes) {
        this.bytes = bytes;
    }

    public static KvCacheType parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> F32;
            case "f16" -> F16;
            default -> throw new IllegalArgumentException("unsupported KV cache type '" + s + "' (f32, f16)");
        };
    }
}
