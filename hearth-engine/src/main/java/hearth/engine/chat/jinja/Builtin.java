package hearth.engine.chat.jinja;

import java.util.List;
import java.util.Map;

/** A named native function (global like {@code range}, or a helper such as {@code loop.cycle}). */
record Builtin(String name, Fn fn) implements PyCallable {

    @FunctionalInterface
    interface Fn {
        Object call(List<Object> args, Map<String, Object> kwargs);
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        return fn.call(args, kwargs);
    }

    @Override
    public String describe() {
        return "<built-in function " + name + ">";
    }
}
