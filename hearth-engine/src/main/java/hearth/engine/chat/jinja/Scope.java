package hearth.engine.chat.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables of one frame. Lookup walks outwards (loop body → enclosing frames → template variables → globals);
 * assignment always binds in this frame, so a {@code set} inside a loop or macro never leaks out, as in Jinja2.
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The value bound to {@code name}, or an {@link Undefined} naming it. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) return s.vars.get(name);
        }
        return Undefined.variable(name);
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }

    void setAll(Map<String, ?> values) {
        vars.putAll(values);
    }
}
