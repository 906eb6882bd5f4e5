package hearth.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import hearth.server.http.ApiError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated access to the members of a JSON object. A JSON {@code null} counts as absent (clients send
 * {@code "stop": null}); a present value of the wrong type or out of range is a 400 naming the parameter.
 */
final class Fields {
    private final JsonNode node;
    private final String path;

    private Fields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static Fields root(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiError.badRequest("the request body must be a JSON object", null);
        return new Fields(body, "");
    }

    static Fields object(JsonNode node, String path) {
        if (!node.isObject()) throw bad(path, "must be an object");
        return new Fields(node, path);
    }

    String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static ApiError bad(String param, String problem) {
        return ApiError.badRequest("'" + param + "' " + problem, param);
    }

    JsonNode raw() {
        return node;
    }

    JsonNode get(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    JsonNode required(String field) {
        JsonNode v = get(field);
        if (v == null) throw ApiError.badRequest("'" + name(field) + "' is required", name(field), "missing_required_parameter");
        return v;
    }

    String string(String field) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isTextual()) throw bad(name(field), "must be a string");
        return v.textValue();
    }

    String requiredString(String field) {
        required(field);
        return string(field);
    }

    boolean bool(String field, boolean absent) {
        JsonNode v = get(field);
        if (v == null) return absent;
        if (!v.isBoolean()) throw bad(name(field), "must be a boolean");
        return v.booleanValue();
    }

    Double number(String field, double min, double max) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isNumber()) throw bad(name(field), "must be a number");
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) throw bad(name(field), "must be between " + fmt(min) + " and " + fmt(max) + ", got " + v.asText());
        return d;
    }

    Integer integer(String field, long min, long max) {
        Long v = longValue(field, min, max);
        return v == null ? null : v.intValue();
    }

    Long longValue(String field, long min, long max) {
        JsonNode v = get(field);
        if (v == null) return null;
        return integral(v, name(field), min, max);
    }

    static long integral(JsonNode v, String param, long min, long max) {
        if (!v.isIntegralNumber() && !(v.isNumber() && isWhole(v))) throw bad(param, "must be an integer");
        BigInteger b = v.isIntegralNumber() ? v.bigIntegerValue() : v.decimalValue().toBigIntegerExact();
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
            throw bad(param, "must be between " + min + " and " + max + ", got " + v.asText());
        }
        return b.longValue();
    }

    private static boolean isWhole(JsonNode v) {
        try {
            v.decimalValue().toBigIntegerExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** A string or an array of strings (e.g. {@code stop}); empty list when absent. */
    List<String> stringOrList(String field, int maxItems) {
        JsonNode v = get(field);
        if (v == null) return List.of();
        if (v.isTextual()) return List.of(v.textValue());
        if (!v.isArray()) throw bad(name(field), "must be a string or an array of strings");
        if (v.size() > maxItems) throw bad(name(field), "may hold at most " + maxItems + " items, got " + v.size());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw bad(name(field) + "[" + i + "]", "must be a string");
            out.add(v.get(i).textValue());
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
