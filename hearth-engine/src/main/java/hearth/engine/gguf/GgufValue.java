package hearth.engine.gguf;

import java.util.List;

/**
 * A typed metadata value. Scalars are boxed Java numbers of the natural width (unsigned types widen: UINT8 and
 * UINT16 are Integer, UINT32 is Long, UINT64 is Long bit pattern), BOOL is Boolean, STRING is String.
 * An ARRAY holds {@link Array}.
 */
public record GgufValue(GgufValueType type, Object value) {

    /** Array payload: a primitive array matching elementType (int[] for UINT8/INT8/UINT16/INT16/INT32, long[] for
     * UINT32/UINT64/INT64, float[], double[], boolean[], String[]), or a {@code List<Array>} for nested arrays. */
    public record Array(GgufValueType elementType, Object values) {
        public int length() {
            return switch (values) {
                case int[] a -> a.length;
                case long[] a -> a.length;
                case float[] a -> a.length;
                case double[] a -> a.length;
                case boolean[] a -> a.length;
                case String[] a -> a.length;
                case List<?> l -> l.size();
                default -> throw new IllegalStateException("unexpected array payload " + values.getClass());
            };
        }
    }

    public static GgufValue of(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUInt32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofStrings(String... v) {
        return new GgufValue(GgufValueType.ARRAY, new Array(GgufValueType.STRING, v));
    }

    public static GgufValue ofInt32s(int... v) {
        return new GgufValue(GgufValueType.ARRAY, new Array(GgufValueType.INT32, v));
    }

    public static GgufValue ofFloat32s(float... v) {
        return new GgufValue(GgufValueType.ARRAY, new Array(GgufValueType.FLOAT32, v));
    }
}
