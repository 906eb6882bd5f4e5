package hearth.engine.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A macro defined by {@code {% macro %}} (or the body of a {@code {% call %}} block, named "caller"). Calling it
 * renders its body in a fresh frame whose parent is the frame it was defined in; the result is the rendered text.
 */
final class Macro implements PyCallable {
    private final String name;
    private final Node.Signature signature;
    private final List<Node> body;
    private final Scope closure;
    private final Interpreter interpreter;

    Macro(String name, Node.Signature signature, List<Node> body, Scope closure, Interpreter interpreter) {
        this.name = name;
        this.signature = signature;
        this.body = body;
        this.closure = closure;
        this.interpreter = interpreter;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        Scope frame = new Scope(closure);
        Map<String, Object> rest = new LinkedHashMap<>(kwargs);
        List<String> params = signature.params();
        int firstDefault = params.size() - signature.defaults().size();
        Object caller = rest.remove("caller");
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            if (i < args.size()) {
                frame.set(p, args.get(i));
            } else if (rest.containsKey(p)) {
                frame.set(p, rest.remove(p));
            } else if (i >= firstDefault) {
                frame.set(p, interpreter.eval(signature.defaults().get(i - firstDefault), frame));
            } else {
                frame.set(p, Undefined.withHint("parameter '" + p + "' was not provided"));
            }
        }
        if (signature.caller()) {
            frame.set("caller", caller != null ? caller : Undefined.withHint("No caller defined"));
        } else if (caller != null) {
            throw TemplateException.type("macro '" + name + "' takes no keyword argument 'caller'");
        }
        List<Object> extra = args.size() > params.size() ? new ArrayList<>(args.subList(params.size(), args.size())) : List.of();
        if (signature.varargs()) {
            frame.set("varargs", new PyTuple(extra));
        } else if (!extra.isEmpty()) {
            throw TemplateException.type("macro '" + name + "' takes not more than " + params.size() + " argument(s)");
        }
        if (signature.kwargs()) {
            frame.set("kwargs", rest);
        } else if (!rest.isEmpty()) {
            throw TemplateException.type("macro '" + name + "' takes no keyword argument '" + rest.keySet().iterator().next() + "'");
        }
        return interpreter.nested(() -> {
            StringBuilder out = new StringBuilder();
            interpreter.execBody(body, frame, out);
            return out.toString();
        });
    }

    @Override
    public String describe() {
        return "<Macro " + PyStrings.repr(name) + ">";
    }
}
