package hearth.engine.chat.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Python semantics for the Java values a template sees: None is {@code null}, bool {@link Boolean}, int any integral
 * {@link Number} (results are {@link Long}), float {@link Double}, str {@link String}, list {@link List}, dict
 * {@link Map} (insertion ordered), tuple {@link PyTuple}, plus {@link Markup}, {@link Undefined}, {@link Namespace},
 * {@link PyIter}, {@link DictView} and {@link PyCallable}.
 */
final class Values {
    private Values() {}

    static boolean isInt(Object o) {
        return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte
                || o instanceof BigInteger;
    }

    static boolean isFloat(Object o) {
        return o instanceof Double || o instanceof Float || o instanceof BigDecimal;
    }

    /** int, float or bool (bool is an int subtype in Python). */
    static boolean isNumber(Object o) {
        return isInt(o) || isFloat(o) || o instanceof Boolean;
    }

    static boolean isString(Object o) {
        return o instanceof String || o instanceof Markup;
    }

    static long toLong(Object o) {
        if (o instanceof Boolean b) return b ? 1 : 0;
        return ((Number) o).longValue();
    }

    static double toDouble(Object o) {
        if (o instanceof Boolean b) return b ? 1 : 0;
        return ((Number) o).doubleValue();
    }

    /** The text of a str or Markup. */
    static String text(Object o) {
        return o instanceof Markup m ? m.text() : (String) o;
    }

    /** Python type name as used in error messages. */
    static String typeName(Object o) {
        return switch (o) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case String s -> "str";
            case Markup m -> "Markup";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case PyTuple t -> "tuple";
            case Undefined u -> "Undefined";
            case Namespace n -> "Namespace";
            case PyIter it -> it.typeName();
            case DictView v -> v.typeName();
            case LoopContext l -> "LoopContext";
            case Macro m -> "Macro";
            case PyCallable c -> "builtin_function_or_method";
            default -> isInt(o) ? "int" : isFloat(o) ? "float" : o.getClass().getSimpleName();
        };
    }

    /** Python {@code str(o)} (Undefined prints as the empty string). */
    static String str(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> s;
            case Boolean b -> b ? "True" : "False";
            case Markup m -> m.text();
            case Undefined u -> "";
            default -> isInt(o) ? o.toString() : isFloat(o) ? PyFormat.floatRepr(toDouble(o)) : repr(o);
        };
    }

    /** Python {@code repr(o)}. */
    static String repr(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> PyStrings.repr(s);
            case Markup m -> "Markup(" + PyStrings.repr(m.text()) + ")";
            case Boolean b -> b ? "True" : "False";
            case List<?> l -> joinRepr("[", l, "]");
            case PyTuple t -> t.items().size() == 1 ? "(" + repr(t.items().getFirst()) + ",)" : joinRepr("(", t.items(), ")");
            case Map<?, ?> m -> {
                StringJoiner j = new StringJoiner(", ", "{", "}");
                m.forEach((k, v) -> j.add(repr(k) + ": " + repr(v)));
                yield j.toString();
            }
            case Undefined u -> "Undefined";
            case Namespace n -> "<Namespace " + repr(n.attrs()) + ">";
            case DictView v -> v.typeName() + "(" + repr(v.items()) + ")";
            case PyIter it -> "<" + it.typeName() + " object>";
            case PyCallable c -> c.describe();
            default -> isInt(o) ? o.toString() : isFloat(o) ? PyFormat.floatRepr(toDouble(o)) : String.valueOf(o);
        };
    }

    private static String joinRepr(String open, List<?> items, String close) {
        StringJoiner j = new StringJoiner(", ", open, close);
        for (Object item : items) j.add(repr(item));
        return j.toString();
    }

    /** Python truthiness. */
    static boolean truthy(Object o) {
        return switch (o) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Markup m -> !m.text().isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case PyTuple t -> !t.items().isEmpty();
            case DictView v -> !v.items().isEmpty();
            case Undefined u -> false;
            default -> isInt(o) ? toLong(o) != 0 : !isFloat(o) || toDouble(o) != 0.0;
        };
    }

    /** Python {@code ==}: numbers across int/float/bool, deep list/tuple/dict equality, Undefined equals Undefined. */
    static boolean pyEquals(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (isNumber(a) && isNumber(b)) {
            if ((isInt(a) || a instanceof Boolean) && (isInt(b) || b instanceof Boolean)) return toLong(a) == toLong(b);
            return toDouble(a) == toDouble(b);
        }
        if (isString(a) && isString(b)) return text(a).equals(text(b));
        if (a instanceof List<?> x && b instanceof List<?> y) return sequenceEquals(x, y);
        if (a instanceof PyTuple x && b instanceof PyTuple y) return sequenceEquals(x.items(), y.items());
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                Object key = findKey(y, e.getKey());
                if (key == NO_KEY || !pyEquals(e.getValue(), y.get(key))) return false;
            }
            return true;
        }
        if (a instanceof Undefined && b instanceof Undefined) return true;
        return a.equals(b);
    }

    private static boolean sequenceEquals(List<?> x, List<?> y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) if (!pyEquals(x.get(i), y.get(i))) return false;
        return true;
    }

    private static final Object NO_KEY = new Object();

    /** The key of {@code map} equal (in Python's sense) to {@code key}, or NO_KEY. */
    private static Object findKey(Map<?, ?> map, Object key) {
        if (key instanceof Markup m) key = m.text();
        try {
            if (map.containsKey(key)) return key;
        } catch (ClassCastException | NullPointerException e) {
            // maps that cannot hold such a key simply do not contain it
        }
        if (isNumber(key) || key == null) {
            for (Object k : map.keySet()) if (pyEquals(k, key)) return k;
        }
        return NO_KEY;
    }

    /** {@code map[key] = value} where a Python-equal key already present (1 vs True vs 1.0) keeps its identity. */
    static void dictPut(Map<Object, Object> map, Object key, Object value) {
        Object existing = findKey(map, key);
        map.put(existing == NO_KEY ? key : existing, value);
    }

    static boolean hasKey(Map<?, ?> map, Object key) {
        return findKey(map, key) != NO_KEY;
    }

    /** {@code map[key]} with Python key equality, or null when absent (check {@link #hasKey} first). */
    static Object dictGet(Map<?, ?> map, Object key) {
        Object k = findKey(map, key);
        return k == NO_KEY ? null : map.get(k);
    }

    /** Whether Python can iterate the value. */
    static boolean iterable(Object o) {
        return o instanceof List || o instanceof Map || o instanceof PyTuple || isString(o) || o instanceof Undefined
                || o instanceof PyIter || o instanceof DictView;
    }

    /** Python {@code iter(o)}: list items, dict keys, string characters; Undefined iterates as empty. */
    @SuppressWarnings("unchecked")
    static Iterator<Object> iterate(Object o) {
        return switch (o) {
            case List<?> l -> (Iterator<Object>) l.iterator();
            case PyTuple t -> t.items().iterator();
            case Map<?, ?> m -> (Iterator<Object>) new ArrayList<Object>(m.keySet()).iterator();
            case String s -> PyStrings.chars(s).iterator();
            case Markup m -> PyStrings.chars(m.text()).iterator();
            case Undefined u -> Collections.emptyIterator();
            case PyIter it -> it.iterator();
            case DictView v -> v.items().iterator();
            case null, default -> throw TemplateException.type("'" + typeName(o) + "' object is not iterable");
        };
    }

    /** Python {@code list(o)}. */
    static List<Object> list(Object o) {
        if (o instanceof List<?> l) return new ArrayList<>(l);
        List<Object> out = new ArrayList<>();
        iterate(o).forEachRemaining(out::add);
        return out;
    }

    /** Python {@code len(o)}; Undefined has length 0. */
    static long len(Object o) {
        return switch (o) {
            case String s -> s.codePointCount(0, s.length());
            case Markup m -> m.text().codePointCount(0, m.text().length());
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case PyTuple t -> t.items().size();
            case DictView v -> v.items().size();
            case Undefined u -> 0;
            case null, default -> throw TemplateException.type("object of type '" + typeName(o) + "' has no len()");
        };
    }

    /** Python {@code needle in haystack}. */
    static boolean contains(Object haystack, Object needle) {
        return switch (haystack) {
            case String s -> text(requireString(needle)).isEmpty() || s.contains(text(requireString(needle)));
            case Markup m -> m.text().contains(text(requireString(needle)));
            case Map<?, ?> m -> hasKey(m, needle);
            case Undefined u -> false;
            case null -> throw TemplateException.type("argument of type 'NoneType' is not iterable");
            default -> {
                if (!iterable(haystack)) {
                    throw TemplateException.type("argument of type '" + typeName(haystack) + "' is not iterable");
                }
                Iterator<Object> it = iterate(haystack);
                while (it.hasNext()) if (pyEquals(it.next(), needle)) yield true;
                yield false;
            }
        };
    }

    private static Object requireString(Object needle) {
        if (!isString(needle)) {
            throw TemplateException.type("'in <string>' requires string as left operand, not " + typeName(needle));
        }
        return needle;
    }
}
