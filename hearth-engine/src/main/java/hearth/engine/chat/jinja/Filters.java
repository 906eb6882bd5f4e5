package hearth.engine.chat.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja2's built-in filters (with Hugging Face's {@code tojson}). Filters that Jinja2 implements as generators
 * ({@code map}, {@code select*}, {@code reject*}, {@code unique}, {@code items}, {@code batch}, {@code slice}) return a
 * one-shot {@link PyIter}, so e.g. {@code x|map(...)|tojson} fails exactly as in Python.
 */
final class Filters {
    private Filters() {}

    private static final Set<String> NAMES = Set.of("abs", "attr", "batch", "capitalize", "center", "count", "d",
            "default", "dictsort", "e", "escape", "first", "float", "forceescape", "format", "indent", "int", "items",
            "join", "last", "length", "list", "lower", "map", "max", "min", "pprint", "reject", "rejectattr", "replace",
            "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title",
            "tojson", "trim", "truncate", "unique", "upper", "wordcount");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}\\p{M}_]+");

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static Object apply(String name, Object v, List<Object> pos, Map<String, Object> kw) {
        Args a = new Args(name, pos, kw);
        return switch (name) {
            case "abs" -> {
                if (v instanceof Undefined u) throw u.error();
                if (Values.isFloat(v)) yield Math.abs(Values.toDouble(v));
                if (Values.isNumber(v)) yield Math.abs(Values.toLong(v));
                throw TemplateException.type("bad operand type for abs(): '" + Values.typeName(v) + "'");
            }
            case "attr" -> {
                if (v instanceof Undefined u) throw u.error();
                String attr = Values.str(a.required(0, "name"));
                Object found = Access.pythonAttribute(v, attr);
                yield found != Access.MISSING ? found : Undefined.member(v, attr);
            }
            case "capitalize" -> PyStrings.capitalize(Values.str(v));
            case "center" -> PyStrings.center(Values.str(v), a.integer(0, "width", 80), " ");
            case "count", "length" -> Values.len(v);
            case "d", "default" -> v instanceof Undefined || (a.bool(1, "boolean", false) && !Values.truthy(v))
                    ? a.get(0, "default_value", "") : v;
            case "dictsort" -> dictsort(v, a);
            case "e", "escape" -> Markup.escape(v);
            case "forceescape" -> Markup.escape(Values.str(v));
            case "first" -> {
                Iterator<Object> it = Values.iterate(v);
                yield it.hasNext() ? it.next() : Undefined.withHint("No first item, sequence was empty.");
            }
            case "last" -> last(v);
            case "float" -> toFloat(v, a.get(0, "default", 0.0));
            case "int" -> toInt(v, a.get(0, "default", 0L), a.integer(1, "base", 10));
            case "format" -> {
                if (!pos.isEmpty() && !kw.isEmpty()) {
                    throw TemplateException.runtime("can't handle positional and keyword arguments at the same time");
                }
                yield PyFormat.percent(Values.str(v), kw.isEmpty() ? new PyTuple(pos) : kw);
            }
            case "indent" -> indent(v, a);
            case "items" -> {
                if (v instanceof Undefined) yield PyIter.generator(List.<Object>of().iterator());
                if (!(v instanceof Map<?, ?> m)) {
                    yield PyIter.generator(failing(TemplateException.type("Can only get item pairs from a mapping.")));
                }
                List<Object> items = new ArrayList<>();
                m.forEach((k, x) -> items.add(PyTuple.of(k, x)));
                yield PyIter.generator(items.iterator());
            }
            case "join" -> {
                Iterator<Object> it = Values.iterate(v);
                Function<Object, Object> get = attrGetter(a.get(1, "attribute", null), null);
                StringBuilder sb = new StringBuilder();
                String sep = Values.str(a.get(0, "d", ""));
                for (boolean first = true; it.hasNext(); first = false) {
                    if (!first) sb.append(sep);
                    sb.append(Values.str(get.apply(it.next())));
                }
                yield sb.toString();
            }
            case "list" -> Values.list(v);
            case "lower" -> PyStrings.lower(Values.str(v));
            case "upper" -> PyStrings.upper(Values.str(v));
            case "title" -> title(Values.str(v));
            case "trim" -> PyStrings.strip(Values.str(v), a.optString(0, "chars"));
            case "replace" -> PyStrings.replace(Values.str(v), Values.str(a.required(0, "old")),
                    Values.str(a.required(1, "new")), a.get(2, "count", null) == null ? -1 : a.integer(2, "count", -1));
            case "map" -> map(v, pos, kw);
            case "select", "reject", "selectattr", "rejectattr" -> select(v, name, pos, kw);
            case "unique" -> unique(v, a);
            case "max", "min" -> minMax(v, a, name.equals("max"));
            case "sum" -> {
                Function<Object, Object> get = attrGetter(a.get(0, "attribute", null), null);
                Object total = a.get(1, "start", 0L);
                for (Iterator<Object> it = Values.iterate(v); it.hasNext(); ) {
                    total = Operators.binary("+", total, get.apply(it.next()));
                }
                yield total;
            }
            case "sort" -> {
                List<Object> items = Values.list(v);
                Comparator<Object> order = keyOrder(a.get(2, "attribute", null), a.bool(1, "case_sensitive", false));
                items.sort(a.bool(0, "reverse", false) ? order.reversed() : order);
                yield items;
            }
            case "reverse" -> reverse(v);
            case "round" -> round(v, a);
            case "safe" -> v instanceof Markup ? v : new Markup(Values.str(v));
            case "string" -> v instanceof Markup ? v : Values.str(v);
            case "pprint" -> Values.repr(v);
            case "striptags" -> striptags(Values.str(v));
            case "wordcount" -> {
                Matcher m = WORD.matcher(Values.str(v));
                long n = 0;
                while (m.find()) n++;
                yield n;
            }
            case "truncate" -> truncate(Values.str(v), a);
            case "tojson" -> Json.dumps(v, a.get(1, "indent", null), a.get(2, "separators", null),
                    a.bool(3, "sort_keys", false), a.bool(0, "ensure_ascii", false));
            case "batch" -> batch(v, a);
            case "slice" -> slice(v, a);
            default -> throw TemplateException.runtime("No filter named '" + name + "'.");
        };
    }

    private static Iterator<Object> failing(TemplateException e) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw e;
            }

            @Override
            public Object next() {
                throw e;
            }
        };
    }

    /** Jinja2's make_attrgetter: dotted path, digit parts as indexes, each step an item lookup. */
    static Function<Object, Object> attrGetter(Object attribute, Object fallback) {
        if (attribute == null) return x -> x;
        List<Object> parts = new ArrayList<>();
        if (Values.isString(attribute)) {
            for (String p : Values.text(attribute).split("\\.", -1)) {
                parts.add(!p.isEmpty() && p.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(p) : p);
            }
        } else {
            parts.add(attribute);
        }
        return item -> {
            for (Object p : parts) {
                item = Access.getItem(item, p);
                if (fallback != null && item instanceof Undefined) item = fallback;
            }
            return item;
        };
    }

    private static Object ignoreCase(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? PyStrings.lower(s) : v;
    }

    private static Comparator<Object> keyOrder(Object attribute, boolean caseSensitive) {
        List<Function<Object, Object>> getters = new ArrayList<>();
        if (Values.isString(attribute)) {
            for (String part : Values.text(attribute).split(",")) getters.add(attrGetter(part, null));
        } else {
            getters.add(attrGetter(attribute, null));
        }
        return (x, y) -> {
            for (Function<Object, Object> g : getters) {
                int c = Operators.order("<", ignoreCase(g.apply(x), caseSensitive), ignoreCase(g.apply(y), caseSensitive));
                if (c != 0) return c;
            }
            return 0;
        };
    }

    private static Object dictsort(Object v, Args a) {
        if (v instanceof Undefined u) throw u.error();
        if (!(v instanceof Map<?, ?> m)) {
            throw TemplateException.type("'" + Values.typeName(v) + "' object has no attribute 'items'");
        }
        boolean caseSensitive = a.bool(0, "case_sensitive", false);
        String by = Values.str(a.get(1, "by", "key"));
        int pos = switch (by) {
            case "key" -> 0;
            case "value" -> 1;
            default -> throw TemplateException.runtime("You can only sort by either \"key\" or \"value\"");
        };
        List<Object> items = new ArrayList<>();
        m.forEach((k, x) -> items.add(PyTuple.of(k, x)));
        Comparator<Object> order = (x, y) -> Operators.order("<",
                ignoreCase(((PyTuple) x).items().get(pos), caseSensitive),
                ignoreCase(((PyTuple) y).items().get(pos), caseSensitive));
        items.sort(a.bool(2, "reverse", false) ? order.reversed() : order);
        return items;
    }

    private static Object last(Object v) {
        if (v instanceof PyIter it) throw TemplateException.type("'" + it.typeName() + "' object is not reversible");
        List<Object> items = Values.list(v);
        return items.isEmpty() ? Undefined.withHint("No last item, sequence was empty.") : items.getLast();
    }

    private static Object reverse(Object v) {
        if (v instanceof String s) return new StringBuilder(s).reverse().toString();
        if (v instanceof Markup m) return new Markup(new StringBuilder(m.text()).reverse().toString());
        List<Object> items = Values.list(v);
        List<Object> reversed = new ArrayList<>(items.reversed());
        if (v instanceof PyIter) return reversed;
        String type = v instanceof Map ? "dict_reversekeyiterator" : v instanceof PyTuple ? "reversed" : "list_reverseiterator";
        return new PyIter(type, reversed.iterator());
    }

    private static Object toFloat(Object v, Object fallback) {
        if (v instanceof Undefined u) throw u.error();
        if (Values.isNumber(v)) return Values.toDouble(v);
        if (Values.isString(v)) {
            Double d = parseFloat(Values.text(v));
            if (d != null) return d;
        }
        return fallback;
    }

    private static Double parseFloat(String text) {
        String s = PyStrings.strip(text, null).replace("_", "").toLowerCase(java.util.Locale.ROOT);
        switch (s.replaceFirst("^[+-]", "")) {
            case "inf", "infinity" -> {
                return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> { }
        }
        if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) return null;
        return Double.parseDouble(s);
    }

    private static Object toInt(Object v, Object fallback, long base) {
        if (v instanceof Undefined u) throw u.error();
        if (Values.isInt(v) || v instanceof Boolean) return Values.toLong(v);
        if (Values.isFloat(v)) {
            double d = Values.toDouble(v);
            return Double.isFinite(d) ? (Object) (long) d : fallback;
        }
        if (Values.isString(v)) {
            String s = PyStrings.strip(Values.text(v), null).replace("_", "");
            try {
                String digits = s;
                int radix = (int) base;
                String lower = s.toLowerCase(java.util.Locale.ROOT).replaceFirst("^[+-]", "");
                if (base == 16 && lower.startsWith("0x") || base == 8 && lower.startsWith("0o") || base == 2 && lower.startsWith("0b")) {
                    digits = s.replaceFirst("(?i)0[xob]", "");
                }
                return Long.parseLong(digits, radix);
            } catch (NumberFormatException e) {
                Double d = parseFloat(Values.text(v));
                return d != null && Double.isFinite(d) ? (Object) (long) (double) d : fallback;
            }
        }
        return fallback;
    }

    private static Object indent(Object v, Args a) {
        if (v instanceof Undefined u) throw u.error();
        Object width = a.get(0, "width", 4L);
        String indention = Values.isString(width) ? Values.text(width) : " ".repeat((int) Values.toLong(width));
        boolean first = a.bool(1, "first", false);
        boolean blank = a.bool(2, "blank", false);
        List<String> lines = PyStrings.splitlines(Values.str(v) + "\n", false);
        StringBuilder rv = new StringBuilder();
        if (blank) {
            rv.append(String.join("\n" + indention, lines));
        } else {
            rv.append(lines.getFirst());
            for (String line : lines.subList(1, lines.size())) {
                rv.append('\n');
                if (!line.isEmpty()) rv.append(indention);
                rv.append(line);
            }
        }
        return first ? indention + rv : rv.toString();
    }

    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)");

    /** Jinja2's {@code title}: upper-case the first letter after a space, dash or opening bracket. */
    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        Matcher m = WORD_BEGINNING.matcher(s);
        int last = 0;
        while (m.find()) {
            titleWord(sb, s.substring(last, m.start()));
            sb.append(m.group());
            last = m.end();
        }
        titleWord(sb, s.substring(last));
        return sb.toString();
    }

    private static void titleWord(StringBuilder sb, String word) {
        if (word.isEmpty()) return;
        int cp = word.codePointAt(0);
        sb.append(PyStrings.upper(Character.toString(cp))).append(PyStrings.lower(word.substring(Character.charCount(cp))));
    }

    private static Object map(Object v, List<Object> pos, Map<String, Object> kw) {
        Function<Object, Object> fn;
        if (pos.isEmpty() && kw.containsKey("attribute")) {
            for (String k : kw.keySet()) {
                if (!k.equals("attribute") && !k.equals("default")) {
                    throw TemplateException.runtime("Unexpected keyword argument " + PyStrings.repr(k));
                }
            }
            fn = attrGetter(kw.get("attribute"), kw.get("default"));
        } else {
            if (pos.isEmpty()) throw TemplateException.runtime("map requires a filter argument");
            String filter = Values.str(pos.getFirst());
            List<Object> rest = pos.subList(1, pos.size());
            fn = item -> apply(filter, item, rest, kw);
        }
        return lazy(v, item -> List.of(fn.apply(item)));
    }

    private static Object select(Object v, String name, List<Object> pos, Map<String, Object> kw) {
        boolean byAttr = name.endsWith("attr");
        boolean keep = name.startsWith("select");
        int off = 0;
        Function<Object, Object> get = x -> x;
        if (byAttr) {
            if (pos.isEmpty()) throw TemplateException.runtime("Missing parameter for attribute name");
            get = attrGetter(pos.getFirst(), null);
            off = 1;
        }
        Predicate<Object> test;
        if (pos.size() > off) {
            String testName = Values.str(pos.get(off));
            List<Object> rest = pos.subList(off + 1, pos.size());
            test = x -> Tests.apply(testName, x, rest, kw);
        } else {
            test = Values::truthy;
        }
        Function<Object, Object> getter = get;
        return lazy(v, item -> test.test(getter.apply(item)) == keep ? List.of(item) : List.of());
    }

    /** A generator applying {@code step} to each item (0 or 1 outputs each); empty when {@code v} is false. */
    private static PyIter lazy(Object v, Function<Object, List<Object>> step) {
        Iterator<Object> source = Values.truthy(v) ? Values.iterate(v) : List.of().iterator();
        return PyIter.generator(new Iterator<>() {
            private final java.util.ArrayDeque<Object> ready = new java.util.ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && source.hasNext()) ready.addAll(step.apply(source.next()));
                return !ready.isEmpty();
            }

            @Override
            public Object next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                return ready.poll();
            }
        });
    }

    private static Object unique(Object v, Args a) {
        boolean caseSensitive = a.bool(0, "case_sensitive", false);
        Function<Object, Object> get = attrGetter(a.get(1, "attribute", null), null);
        List<Object> seen = new ArrayList<>();
        Iterator<Object> source = Values.iterate(v);
        List<Object> out = new ArrayList<>();
        source.forEachRemaining(item -> {
            Object key = ignoreCase(get.apply(item), caseSensitive);
            if (seen.stream().noneMatch(s -> Values.pyEquals(s, key))) {
                seen.add(key);
                out.add(item);
            }
        });
        return PyIter.generator(out.iterator());
    }

    private static Object minMax(Object v, Args a, boolean max) {
        List<Object> items = Values.list(v);
        if (items.isEmpty()) return Undefined.withHint("No aggregated item, sequence was empty.");
        Comparator<Object> order = keyOrder(a.get(1, "attribute", null), a.bool(0, "case_sensitive", false));
        Object best = items.getFirst();
        for (Object item : items.subList(1, items.size())) {
            int c = order.compare(item, best);
            if (max ? c > 0 : c < 0) best = item;
        }
        return best;
    }

    private static Object round(Object v, Args a) {
        if (v instanceof Undefined u) throw u.error();
        long precision = a.integer(0, "precision", 0);
        String method = Values.str(a.get(1, "method", "common"));
        if (!Values.isNumber(v)) throw TemplateException.type("type " + Values.typeName(v) + " doesn't define __round__ method");
        switch (method) {
            case "common" -> {
                if (Values.isInt(v) || v instanceof Boolean) return Values.toLong(v);
                double d = Values.toDouble(v);
                if (!Double.isFinite(d)) return d;
                return new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue();
            }
            case "ceil", "floor" -> {
                double scale = Math.pow(10, precision);
                double x = Values.toDouble(v) * scale;
                return (method.equals("ceil") ? Math.ceil(x) : Math.floor(x)) / scale;
            }
            default -> throw TemplateException.runtime("method must be common, ceil or floor");
        }
    }

    private static String striptags(String value) {
        int start;
        while ((start = value.indexOf("<!--")) >= 0) {
            int end = value.indexOf("-->", start);
            if (end < 0) break;
            value = value.substring(0, start) + value.substring(end + 3);
        }
        while ((start = value.indexOf('<')) >= 0) {
            int end = value.indexOf('>', start);
            if (end < 0) break;
            value = value.substring(0, start) + value.substring(end + 1);
        }
        String collapsed = String.join(" ", PyStrings.split(value, null, -1).stream().map(String.class::cast).toList());
        return unescapeHtml(collapsed);
    }

    private static String unescapeHtml(String s) {
        Matcher m = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos|nbsp);").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                case "nbsp" -> "\u00a0";
                default -> Character.toString(e.startsWith("#x") || e.startsWith("#X")
                        ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1)));
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String truncate(String s, Args a) {
        long length = a.integer(0, "length", 255);
        boolean killwords = a.bool(1, "killwords", false);
        String end = Values.str(a.get(2, "end", "..."));
        long leeway = a.integer(3, "leeway", 5);
        List<Object> chars = PyStrings.chars(s);
        if (chars.size() <= length + leeway) return s;
        int keep = (int) Math.max(0, length - end.length());
        String head = String.join("", chars.subList(0, Math.min(keep, chars.size())).stream().map(String.class::cast).toList());
        if (killwords) return head + end;
        return PyStrings.rsplit(head, " ", 1).getFirst() + end;
    }

    private static Object batch(Object v, Args a) {
        long size = a.integer(0, "linecount", 1);
        if (size <= 0) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "batch size must be positive");
        Object fill = a.get(1, "fill_with", null);
        List<Object> out = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Iterator<Object> it = Values.iterate(v); it.hasNext(); ) {
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>();
            }
            current.add(it.next());
        }
        if (!current.isEmpty()) {
            if (fill != null) while (current.size() < size) current.add(fill);
            out.add(current);
        }
        return PyIter.generator(out.iterator());
    }

    private static Object slice(Object v, Args a) {
        List<Object> seq = Values.list(v);
        long slices = a.integer(0, "slices", 1);
        Object fill = a.get(1, "fill_with", null);
        long per = seq.size() / slices;
        long extra = seq.size() % slices;
        long offset = 0;
        List<Object> out = new ArrayList<>();
        for (long n = 0; n < slices; n++) {
            long start = offset + n * per;
            if (n < extra) offset++;
            long end = offset + (n + 1) * per;
            List<Object> part = new ArrayList<>(seq.subList((int) start, (int) end));
            if (fill != null && n >= extra) part.add(fill);
            out.add(part);
        }
        return PyIter.generator(out.iterator());
    }
}
