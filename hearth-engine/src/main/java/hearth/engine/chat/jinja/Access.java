package hearth.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attribute, item and slice access as Jinja2's immutable sandbox does it: {@code x.name} tries the Python attribute
 * (a method such as {@code dict.get}) and then the item {@code x['name']}; {@code x[key]} tries the item first and then,
 * for a string key, the attribute. A miss yields {@link Undefined}; methods that would mutate a list or dict are
 * sandbox-refused (their use raises SecurityError).
 */
final class Access {
    private Access() {}

    static final Set<String> STR_METHODS = Set.of("capitalize", "casefold", "center", "count", "endswith", "find",
            "format", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
            "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
            "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip",
            "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill");
    static final Set<String> DICT_METHODS = Set.of("clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem",
            "setdefault", "update", "values");
    private static final Set<String> DICT_MUTATORS = Set.of("clear", "pop", "popitem", "setdefault", "update");
    static final Set<String> LIST_METHODS = Set.of("append", "clear", "copy", "count", "extend", "index", "insert", "pop",
            "remove", "reverse", "sort");
    private static final Set<String> LIST_MUTATORS = Set.of("append", "clear", "pop", "reverse", "insert", "sort",
            "extend", "remove");
    private static final Set<String> TUPLE_METHODS = Set.of("count", "index");

    /** A method looked up on a value; calling it runs {@link Methods#call}. */
    record BoundMethod(Object self, String name) implements PyCallable {
        @Override
        public Object call(List<Object> args, Map<String, Object> kwargs) {
            return Methods.call(self, name, args, kwargs);
        }

        @Override
        public String describe() {
            return "<built-in method " + name + " of " + Values.typeName(self) + " object>";
        }
    }

    /** Marks the absence of an attribute (null is a legitimate value: None). */
    static final Object MISSING = new Object();

    /** Python attribute of {@code obj}, or {@link #MISSING} when it has none. */
    static Object pythonAttribute(Object obj, String name) {
        return switch (obj) {
            case String s when STR_METHODS.contains(name) -> new BoundMethod(s, name);
            case Markup m when STR_METHODS.contains(name) -> new BoundMethod(m, name);
            case Map<?, ?> m when DICT_METHODS.contains(name) ->
                    DICT_MUTATORS.contains(name) ? Undefined.unsafe(m, name) : new BoundMethod(m, name);
            case List<?> l when LIST_METHODS.contains(name) ->
                    LIST_MUTATORS.contains(name) ? Undefined.unsafe(l, name) : new BoundMethod(l, name);
            case PyTuple t when TUPLE_METHODS.contains(name) -> new BoundMethod(t, name);
            case Object n when Values.isNumber(n) && (name.equals("real") || name.equals("imag")) -> numberPart(n, name);
            case Namespace ns when ns.has(name) -> ns.get(name);
            case LoopContext loop -> loop.attribute(name);
            case null, default -> MISSING;
        };
    }

    /** {@code x.real} / {@code x.imag} of an int, bool or float. */
    private static Object numberPart(Object n, String part) {
        if (part.equals("imag")) return Values.isFloat(n) ? (Object) 0.0 : (Object) 0L;
        return n instanceof Boolean b ? (Object) (b ? 1L : 0L) : n;
    }

    /** {@code obj.name}. */
    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.error();
        Object attr = pythonAttribute(obj, name);
        if (attr != MISSING) return attr;
        if (obj instanceof Map<?, ?> m && Values.hasKey(m, name)) return Values.dictGet(m, name);
        return Undefined.member(obj, name);
    }

    /** {@code obj[key]}. */
    static Object getItem(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.error();
        if (key instanceof Markup m) key = m.text();
        switch (obj) {
            case Map<?, ?> m -> {
                if (Values.hasKey(m, key)) return Values.dictGet(m, key);
            }
            case List<?> l -> {
                if (isIndex(key)) return index(obj, l, Values.toLong(key));
            }
            case PyTuple t -> {
                if (isIndex(key)) return index(obj, t.items(), Values.toLong(key));
            }
            case String s -> {
                if (isIndex(key)) return index(obj, PyStrings.chars(s), Values.toLong(key));
            }
            case Markup mk -> {
                if (isIndex(key)) return index(obj, PyStrings.chars(mk.text()), Values.toLong(key));
            }
            case null, default -> { }
        }
        if (key instanceof String name) {
            Object attr = pythonAttribute(obj, name);
            if (attr != MISSING) return attr;
        }
        return Undefined.member(obj, key);
    }

    private static boolean isIndex(Object key) {
        return Values.isInt(key) || key instanceof Boolean;
    }

    private static Object index(Object obj, List<?> items, long i) {
        long at = i < 0 ? i + items.size() : i;
        if (at < 0 || at >= items.size()) return Undefined.member(obj, i);
        return items.get((int) at);
    }

    /** {@code obj[start:stop:step]} with Python's index clamping; other types give Undefined like Jinja2. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) throw u.error();
        List<?> items = switch (obj) {
            case String s -> PyStrings.chars(s);
            case Markup m -> PyStrings.chars(m.text());
            case List<?> l -> l;
            case PyTuple t -> t.items();
            case null, default -> null;
        };
        if (items == null) {
            return Undefined.member(obj, new SliceKey(start, stop, step));
        }
        long n = items.size();
        long st = step == null ? 1 : sliceIndex(step);
        if (st == 0) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "slice step cannot be zero");
        long lower = st > 0 ? 0 : -1;
        long upper = st > 0 ? n : n - 1;
        long from = start == null ? (st > 0 ? lower : upper) : clamp(sliceIndex(start), n, lower, upper);
        long to = stop == null ? (st > 0 ? upper : lower) : clamp(sliceIndex(stop), n, lower, upper);
        List<Object> out = new ArrayList<>();
        for (long i = from; st > 0 ? i < to : i > to; i += st) out.add(items.get((int) i));
        return switch (obj) {
            case String s -> joinChars(out);
            case Markup m -> new Markup(joinChars(out));
            case PyTuple t -> new PyTuple(out);
            default -> out;
        };
    }

    private record SliceKey(Object start, Object stop, Object step) {
        @Override
        public String toString() {
            return "slice(" + Values.repr(start) + ", " + Values.repr(stop) + ", " + Values.repr(step) + ")";
        }
    }

    private static long clamp(long i, long n, long lower, long upper) {
        if (i < 0) {
            i += n;
            return Math.max(i, lower);
        }
        return Math.min(i, upper);
    }

    private static long sliceIndex(Object v) {
        if (v instanceof Undefined u) throw u.error();
        if (!isIndex(v)) {
            throw TemplateException.type("slice indices must be integers or None or have an __index__ method");
        }
        return Values.toLong(v);
    }

    private static String joinChars(List<Object> chars) {
        StringBuilder sb = new StringBuilder();
        for (Object c : chars) sb.append((String) c);
        return sb.toString();
    }
}
