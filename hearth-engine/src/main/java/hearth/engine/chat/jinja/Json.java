package hearth.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's {@code tojson} filter calls it: default separators {@code ", "} and
 * {@code ": "} ({@code ","} between items when indenting), no ASCII escaping unless asked, keys converted like Python
 * (int 1 → "1", True → "true"), tuples as arrays, and TypeError for values JSON cannot hold.
 */
final class Json {
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;
    private final boolean ensureAscii;
    private final StringBuilder out = new StringBuilder();

    private Json(String indent, String itemSeparator, String keySeparator, boolean sortKeys, boolean ensureAscii) {
        this.indent = indent;
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    /**
     * @param indent null, an int (spaces) or a string
     * @param separators null or an (item, key) pair
     */
    static String dumps(Object value, Object indent, Object separators, boolean sortKeys, boolean ensureAscii) {
        String ind = indent == null ? null : Values.isString(indent) ? Values.text(indent)
                : " ".repeat((int) Math.max(0, Values.toLong(indent)));
        String item = ind == null ? ", " : ",";
        String key = ": ";
        if (separators != null) {
            List<Object> seps = Values.list(separators);
            if (seps.size() != 2) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "separators must be a pair");
            item = Values.str(seps.get(0));
            key = Values.str(seps.get(1));
        }
        Json json = new Json(ind, item, key, sortKeys, ensureAscii);
        json.write(value, 0);
        return json.out.toString();
    }

    private void write(Object v, int level) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case String s -> string(s);
            case Markup m -> string(m.text());
            case List<?> l -> array(l, level);
            case PyTuple t -> array(t.items(), level);
            case Map<?, ?> m -> object(m, level);
            default -> {
                if (Values.isInt(v)) out.append(v);
                else if (Values.isFloat(v)) out.append(number(Values.toDouble(v)));
                else throw TemplateException.type("Object of type " + Values.typeName(v) + " is not JSON serializable");
            }
        }
    }

    private static String number(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return PyFormat.floatRepr(d);
    }

    private void newline(int level) {
        if (indent != null) out.append('\n').append(indent.repeat(level));
    }

    private void array(List<?> items, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) out.append(itemSeparator);
            newline(level + 1);
            write(items.get(i), level + 1);
        }
        newline(level);
        out.append(']');
    }

    private void object(Map<?, ?> map, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) entries.sort((x, y) -> Operators.order("<", x.getKey(), y.getKey()));
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            if (!first) out.append(itemSeparator);
            first = false;
            newline(level + 1);
            string(key(e.getKey()));
            out.append(keySeparator);
            write(e.getValue(), level + 1);
        }
        newline(level);
        out.append('}');
    }

    private static String key(Object k) {
        if (Values.isString(k)) return Values.text(k);
        if (k == null) return "null";
        if (k instanceof Boolean b) return b ? "true" : "false";
        if (Values.isInt(k)) return k.toString();
        if (Values.isFloat(k)) return number(Values.toDouble(k));
        throw TemplateException.type("keys must be str, int, float, bool or None, not " + Values.typeName(k));
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
