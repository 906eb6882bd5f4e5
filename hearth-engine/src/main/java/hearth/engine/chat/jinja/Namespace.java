package hearth.engine.chat.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code namespace(...)}: the one mutable object templates get, assigned with {@code {% set ns.x = ... %}}. */
final class Namespace {
    private final Map<String, Object> attrs = new LinkedHashMap<>();

    Map<String, Object> attrs() {
        return attrs;
    }

    Object get(String name) {
        return attrs.containsKey(name) ? attrs.get(name) : Undefined.member(this, name);
    }

    void set(String name, Object value) {
        attrs.put(name, value);
    }

    boolean has(String name) {
        return attrs.containsKey(name);
    }
}
