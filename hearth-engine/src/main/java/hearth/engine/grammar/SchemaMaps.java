package hearth.engine.grammar;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Reading JSON Schemas held as plain Java values: typed access, {@code $ref} pointers and {@code allOf} merging. */
final class SchemaMaps {
    private static final int MAX_ANYOF_PRODUCT = 64;

    private SchemaMaps() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v, String where) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new GrammarException(where + ": expected a JSON object but found " + describe(v));
    }

    static List<?> list(Object v, String where) {
        if (v instanceof List<?> l) return l;
        throw new GrammarException(where + ": expected a JSON array but found " + describe(v));
    }

    private static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    static Double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    /** A non-negative count such as minLength, or the default when absent. */
    static int count(Object v, int absent, String where) {
        if (v == null) return absent;
        if (!(v instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new GrammarException(where + " must be a non-negative integer");
        }
        if (n.doubleValue() > 100_000) throw new GrammarException(where + " is too large for a grammar (" + n + ")");
        return n.intValue();
    }

    /** The schema's types, written or implied by its keywords; null when anything goes. */
    static List<String> types(Map<String, Object> s, String where) {
        Object t = s.get("type");
        if (t instanceof String one) return List.of(one);
        if (t instanceof List<?> many) {
            if (many.isEmpty()) throw new GrammarException(where + ": an empty type list matches nothing");
            List<String> out = new ArrayList<>();
            for (Object o : many) out.add(String.valueOf(o));
            return out;
        }
        if (t != null) throw new GrammarException(where + ": type must be a string or a list");
        if (s.containsKey("properties") || s.containsKey("additionalProperties") || s.containsKey("required")) return List.of("object");
        if (s.containsKey("items") || s.containsKey("prefixItems") || s.containsKey("minItems") || s.containsKey("maxItems")) return List.of("array");
        if (s.containsKey("pattern") || s.containsKey("format") || s.containsKey("minLength") || s.containsKey("maxLength")) return List.of("string");
        if (s.containsKey("minimum") || s.containsKey("maximum") || s.containsKey("exclusiveMinimum") || s.containsKey("exclusiveMaximum")) return List.of("number");
        return null;
    }

    /** A local reference ({@code #}, {@code #/$defs/Name}, any JSON pointer into the root schema). */
    static Object resolve(Object root, String pointer) {
        if (!pointer.startsWith("#")) throw new GrammarException("$ref '" + pointer + "': only references into the same schema (#/...) are supported");
        Object at = root;
        String path = pointer.substring(1);
        if (path.isEmpty()) return root;
        if (!path.startsWith("/")) throw new GrammarException("$ref '" + pointer + "': anchors are not supported");
        for (String raw : path.substring(1).split("/", -1)) {
            String key = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8).replace("~1", "/").replace("~0", "~");
            if (at instanceof Map<?, ?> m && m.containsKey(key)) {
                at = m.get(key);
            } else if (at instanceof List<?> l && key.matches("\\d+") && Integer.parseInt(key) < l.size()) {
                at = l.get(Integer.parseInt(key));
            } else {
                throw new GrammarException("$ref '" + pointer + "' points to nothing");
            }
        }
        return at;
    }

    /** A rule name for a reference: its last path segment. */
    static String refName(String pointer) {
        int slash = pointer.lastIndexOf('/');
        String last = slash >= 0 ? pointer.substring(slash + 1) : "";
        return last.isEmpty() ? "root-ref" : "ref-" + last;
    }

    /**
     * Folds {@code allOf} into one schema: properties united (a property in several parts gets all their schemas),
     * required united, types intersected, the tighter of numeric limits, additionalProperties false if any part says so.
     * Parts with anyOf/oneOf are multiplied out into an anyOf of merged schemas.
     */
    static Map<String, Object> mergeAllOf(Map<String, Object> s, Function<String, Object> resolve, String where) {
        Map<String, Object> base = new LinkedHashMap<>(s);
        base.remove("allOf");
        List<Map<String, Object>> results = new ArrayList<>();
        results.add(base);
        for (Object part : list(s.get("allOf"), where + ": allOf")) {
            Map<String, Object> p = flatten(part, resolve, where, 0);
            List<?> options = p.containsKey("anyOf") ? list(p.get("anyOf"), where) : p.containsKey("oneOf") ? list(p.get("oneOf"), where) : null;
            Map<String, Object> rest = new LinkedHashMap<>(p);
            rest.remove("anyOf");
            rest.remove("oneOf");
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> r : results) {
                Map<String, Object> merged = merge(r, rest, where);
                if (options == null) {
                    next.add(merged);
                } else {
                    for (Object o : options) next.add(merge(merged, flatten(o, resolve, where, 0), where));
                }
            }
            if (next.size() > MAX_ANYOF_PRODUCT) throw new GrammarException(where + ": allOf of anyOf gives too many combinations");
            results = next;
        }
        if (results.size() == 1) return results.getFirst();
        return Map.of("anyOf", new ArrayList<>(results));
    }

    /** A part of an allOf with its own $ref and allOf resolved. */
    private static Map<String, Object> flatten(Object part, Function<String, Object> resolve, String where, int depth) {
        if (depth > 32) throw new GrammarException(where + ": allOf/$ref nesting too deep (a reference cycle?)");
        if (Boolean.TRUE.equals(part)) return Map.of();
        Map<String, Object> p = map(part, where + ": allOf part");
        if (p.containsKey("$ref")) {
            Map<String, Object> rest = new LinkedHashMap<>(p);
            rest.remove("$ref");
            return merge(flatten(resolve.apply(String.valueOf(p.get("$ref"))), resolve, where, depth + 1), rest, where);
        }
        if (p.containsKey("allOf")) return mergeAllOf(p, resolve, where);
        return p;
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b, String where) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        for (Map.Entry<String, Object> e : b.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            Object old = out.get(k);
            if (old == null) {
                out.put(k, v);
                continue;
            }
            switch (k) {
                case "properties" -> {
                    Map<String, Object> props = new LinkedHashMap<>(map(old, where));
                    for (Map.Entry<String, Object> p : map(v, where).entrySet()) {
                        props.merge(p.getKey(), p.getValue(), (x, y) -> Map.of("allOf", List.of(x, y)));
                    }
                    out.put(k, props);
                }
                case "required" -> {
                    Set<Object> req = new LinkedHashSet<>(list(old, where));
                    req.addAll(list(v, where));
                    out.put(k, new ArrayList<>(req));
                }
                case "type" -> out.put(k, intersectTypes(old, v, where));
                case "additionalProperties" -> out.put(k, Boolean.FALSE.equals(old) || Boolean.FALSE.equals(v) ? Boolean.FALSE : v);
                case "minimum", "exclusiveMinimum", "minLength", "minItems" -> out.put(k, number(old) >= number(v) ? old : v);
                case "maximum", "exclusiveMaximum", "maxLength", "maxItems" -> out.put(k, number(old) <= number(v) ? old : v);
                default -> { } // first one wins
            }
        }
        return out;
    }

    private static Object intersectTypes(Object a, Object b, String where) {
        List<String> x = a instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(a));
        List<String> y = b instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(b));
        List<String> out = new ArrayList<>();
        for (String t : x) {
            if (y.contains(t)) out.add(t);
            else if (t.equals("number") && y.contains("integer")) out.add("integer");
            else if (t.equals("integer") && y.contains("number")) out.add("integer");
        }
        if (out.isEmpty()) throw new GrammarException(where + ": allOf parts have no type in common (" + x + " and " + y + ")");
        return out.size() == 1 ? out.getFirst() : out;
    }
}
