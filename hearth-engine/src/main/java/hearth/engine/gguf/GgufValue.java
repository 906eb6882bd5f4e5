package hearth.engine.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A typed metadata value. Scalars are boxed Java numbers wide enough for the type: UINT8, INT8, UINT16, INT16 and
 * INT32 are Integer, UINT32 is Long (so that values above 2^31 stay positive), UINT64 and INT64 are Long (UINT64 as
 * the unsigned bit pattern), FLOAT32 is Float, FLOAT64 is Double, BOOL is Boolean, STRING is String, ARRAY is
 * {@link Array}. The constructor rejects any other combination, so a value built here always writes and reads back
 * equal.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = boxedClass(type);
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(type + " value must be a " + expected.getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
        if (value instanceof Number n && !inRange(type, n.longValue())) {
            throw new IllegalArgumentException(value + " is out of range for " + type);
        }
    }

    private static Class<?> boxedClass(GgufValueType type) {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32 -> Integer.class;
            case UINT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> Array.class;
        };
    }

    static boolean inRange(GgufValueType type, long v) {
        return switch (type) {
            case UINT8 -> v >= 0 && v <= 0xFF;
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT16 -> v >= 0 && v <= 0xFFFF;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
            default -> true;
        };
    }

    /**
     * Array payload: a primitive array matching elementType (int[] for UINT8/INT8/UINT16/INT16/INT32, long[] for
     * UINT32/UINT64/INT64, float[], double[], boolean[], String[]), or a {@code List<Array>} for nested arrays.
     * Equality compares contents, not array identity.
     */
    public record Array(GgufValueType elementType, Object values) {
        public Array {
            Objects.requireNonNull(elementType, "elementType");
            Objects.requireNonNull(values, "values");
            boolean ok = switch (elementType) {
                case UINT8, INT8, UINT16, INT16, INT32 -> values instanceof int[] a && allInRange(elementType, a);
                case UINT32, UINT64, INT64 -> values instanceof long[] a && allInRange(elementType, a);
                case FLOAT32 -> values instanceof float[];
                case FLOAT64 -> values instanceof double[];
                case BOOL -> values instanceof boolean[];
                case STRING -> values instanceof String[] a && Arrays.stream(a).allMatch(Objects::nonNull);
                case ARRAY -> values instanceof List<?> l && l.stream().allMatch(Array.class::isInstance);
            };
            if (!ok) throw new IllegalArgumentException("array payload " + values.getClass().getSimpleName() + " does not fit element type " + elementType);
            if (values instanceof List<?> l) values = List.copyOf(l);
        }

        private static boolean allInRange(GgufValueType t, int[] a) {
            for (int v : a) if (!inRange(t, v)) return false;
            return true;
        }

        private static boolean allInRange(GgufValueType t, long[] a) {
            for (long v : a) if (!inRange(t, v)) return false;
            return true;
        }

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

        @Override
        public boolean equals(Object o) {
            return o instanceof Array other && elementType == other.elementType
                    && Arrays.deepEquals(new Object[] {values}, new Object[] {other.values});
        }

        @Override
        public int hashCode() {
            return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
        }

        @Override
        public String toString() {
            String body = values instanceof List<?> l ? l.toString() : Arrays.deepToString(new Object[] {values});
            if (body.length() > 200) body = body.substring(0, 200) + "...";
            return "Array[" + elementType + " x" + length() + ": " + body + "]";
        }
    }

    public static GgufValue of(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUInt8(int v) {
        return new GgufValue(GgufValueType.UINT8, v);
    }

    public static GgufValue ofInt8(int v) {
        return new GgufValue(GgufValueType.INT8, v);
    }

    public static GgufValue ofUInt16(int v) {
        return new GgufValue(GgufValueType.UINT16, v);
    }

    public static GgufValue ofInt16(int v) {
        return new GgufValue(GgufValueType.INT16, v);
    }

    public static GgufValue ofUInt32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    /** {@code v} is the unsigned 64-bit pattern (use {@link Long#parseUnsignedLong} for values above 2^63). */
    public static GgufValue ofUInt64(long v) {
        return new GgufValue(GgufValueType.UINT64, v);
    }

    public static GgufValue ofInt64(long v) {
        return new GgufValue(GgufValueType.INT64, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofFloat64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofArray(Array a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    public static GgufValue ofStrings(String... v) {
        return ofArray(new Array(GgufValueType.STRING, v.clone()));
    }

    public static GgufValue ofInt32s(int... v) {
        return ofArray(new Array(GgufValueType.INT32, v.clone()));
    }

    public static GgufValue ofFloat32s(float... v) {
        return ofArray(new Array(GgufValueType.FLOAT32, v.clone()));
    }

    /** An array of arrays (the GGUF spec allows nesting; llama.cpp itself never writes it). */
    public static GgufValue ofArrays(Array... v) {
        return ofArray(new Array(GgufValueType.ARRAY, List.of(v)));
    }
}
