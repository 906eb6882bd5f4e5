package hearth.engine.chat.jinja;

import java.util.List;
import java.util.Map;

/** Anything a template can call: macros, global functions, bound string/dict/list methods. */
interface PyCallable {

    Object call(List<Object> args, Map<String, Object> kwargs);

    /** How Python would print it. */
    String describe();
}
