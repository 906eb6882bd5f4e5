package hearth.engine.chat.jinja;

import java.util.List;
import java.util.Map;

/** Arguments of a native call: parameter i is the i-th positional argument or the keyword argument {@code name}. */
record Args(String function, List<Object> positional, Map<String, Object> keywords) {

    boolean has(int index, String name) {
        return index < positional.size() || keywords.containsKey(name);
    }

    Object get(int index, String name, Object fallback) {
        if (index < positional.size()) return positional.get(index);
        if (keywords.containsKey(name)) return keywords.get(name);
        return fallback;
    }

    Object required(int index, String name) {
        if (!has(index, name)) {
            throw TemplateException.type(function + "() missing required argument '" + name + "' (pos " + (index + 1) + ")");
        }
        return get(index, name, null);
    }

    void atMost(int n) {
        if (positional.size() > n) {
            throw TemplateException.type(function + "() takes at most " + n + " argument" + (n == 1 ? "" : "s")
                    + " (" + positional.size() + " given)");
        }
    }

    String string(int index, String name) {
        Object v = required(index, name);
        if (!Values.isString(v)) {
            throw TemplateException.type(function + "() argument " + (index + 1) + " must be str, not " + Values.typeName(v));
        }
        return Values.text(v);
    }

    /** A str argument that may be None or absent (returns null then). */
    String optString(int index, String name) {
        Object v = get(index, name, null);
        if (v == null) return null;
        if (!Values.isString(v)) {
            throw TemplateException.type(function + " arg must be None or str");
        }
        return Values.text(v);
    }

    long integer(int index, String name, long fallback) {
        Object v = get(index, name, fallback);
        if (v instanceof Undefined u) throw u.error();
        if (!Values.isInt(v) && !(v instanceof Boolean)) {
            throw TemplateException.type("'" + Values.typeName(v) + "' object cannot be interpreted as an integer");
        }
        return Values.toLong(v);
    }

    boolean bool(int index, String name, boolean fallback) {
        return Values.truthy(get(index, name, fallback));
    }
}
