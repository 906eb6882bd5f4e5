package hearth.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The key/value header of a GGUF file, in file order, with typed accessors that name the key when it is wrong. */
public final class GgufMetadata {
    private final String source;
    private final Map<String, GgufValue> values;

    public GgufMetadata(String source, Map<String, GgufValue> values) {
        this.source = source;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    private GgufValue require(String key) {
        GgufValue v = values.get(key);
        if (v == null) throw new GgufFormatException(source + ": missing required metadata key '" + key + "'");
        return v;
    }

    public String getString(String key) {
        GgufValue v = require(key);
        if (v.value() instanceof String s) return s;
        throw wrongType(key, v, "a string");
    }

    public Optional<String> string(String key) {
        return has(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    public long getLong(String key) {
        GgufValue v = require(key);
        return switch (v.value()) {
            case Integer i -> i;
            case Long l -> l;
            case Short s -> s;
            case Byte b -> b;
            default -> throw wrongType(key, v, "an integer");
        };
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufFormatException(source + ": metadata key '" + key + "' = " + v + " is out of range");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    public float getFloat(String key) {
        GgufValue v = require(key);
        return switch (v.value()) {
            case Float f -> f;
            case Double d -> (float) (double) d;
            case Integer i -> i;
            case Long l -> l;
            default -> throw wrongType(key, v, "a number");
        };
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBool(String key, boolean defaultValue) {
        GgufValue v = values.get(key);
        if (v == null) return defaultValue;
        if (v.value() instanceof Boolean b) return b;
        throw wrongType(key, v, "a bool");
    }

    public GgufValue.Array getArray(String key) {
        GgufValue v = require(key);
        if (v.value() instanceof GgufValue.Array a) return a;
        throw wrongType(key, v, "an array");
    }

    public String[] getStrings(String key) {
        GgufValue.Array a = getArray(key);
        if (a.values() instanceof String[] s) return s;
        throw new GgufFormatException(source + ": metadata key '" + key + "' is an array of " + a.elementType() + ", expected strings");
    }

    public float[] getFloats(String key) {
        GgufValue.Array a = getArray(key);
        return switch (a.values()) {
            case float[] f -> f;
            case double[] d -> { float[] f = new float[d.length]; for (int i = 0; i < d.length; i++) f[i] = (float) d[i]; yield f; }
            default -> throw new GgufFormatException(source + ": metadata key '" + key + "' is an array of " + a.elementType() + ", expected floats");
        };
    }

    public int[] getInts(String key) {
        GgufValue.Array a = getArray(key);
        return switch (a.values()) {
            case int[] i -> i;
            case long[] l -> {
                int[] i = new int[l.length];
                for (int k = 0; k < l.length; k++) {
                    if (l[k] != (int) l[k]) throw new GgufFormatException(source + ": metadata key '" + key + "' element " + k + " = " + l[k] + " is out of int range");
                    i[k] = (int) l[k];
                }
                yield i;
            }
            default -> throw new GgufFormatException(source + ": metadata key '" + key + "' is an array of " + a.elementType() + ", expected integers");
        };
    }

    private GgufFormatException wrongType(String key, GgufValue v, String expected) {
        return new GgufFormatException(source + ": metadata key '" + key + "' has type " + v.type() + ", expected " + expected);
    }
}
