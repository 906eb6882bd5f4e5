package hearth.engine.chat.jinja;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks the syntax tree for one render. Not shared between renders: each render gets its own instance. */
final class Interpreter {
    private static final int MAX_RANGE = 100_000;
    /**
     * Deepest nesting of macro calls and recursive loops. Python Jinja2 hits its recursion limit at about the same
     * depth (a self-calling macro fails between 197 and 198 levels); the explicit limit keeps the failure independent
     * of the thread's stack size.
     */
    static final int MAX_CALL_DEPTH = 200;

    /** How a statement list finished: normally, or by {@code break}/{@code continue} unwinding to its loop. */
    enum Flow { NORMAL, BREAK, CONTINUE }

    private final LocalDateTime now;
    private int callDepth;

    Interpreter(LocalDateTime now) {
        this.now = now;
    }

    String render(List<Node> template, Map<String, ?> variables) {
        Scope globals = new Scope(null);
        installGlobals(globals);
        Scope root = new Scope(globals);
        root.setAll(variables);
        StringBuilder out = new StringBuilder();
        try {
            execBody(template, root, out);
        } catch (StackOverflowError e) {
            throw new TemplateException(TemplateException.Kind.RECURSION, "maximum recursion depth exceeded");
        }
        return out.toString();
    }

    /** Runs a macro body or recursive loop one level deeper, failing like Python past {@link #MAX_CALL_DEPTH}. */
    <T> T nested(java.util.function.Supplier<T> body) {
        if (callDepth >= MAX_CALL_DEPTH) {
            throw new TemplateException(TemplateException.Kind.RECURSION, "maximum recursion depth exceeded");
        }
        callDepth++;
        try {
            return body.get();
        } finally {
            callDepth--;
        }
    }

    // ---------------------------------------------------------------- statements

    Flow execBody(List<Node> body, Scope scope, StringBuilder out) {
        for (Node n : body) {
            Flow f = exec(n, scope, out);
            if (f != Flow.NORMAL) return f;
        }
        return Flow.NORMAL;
    }

    private Flow exec(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Output o -> out.append(Values.str(eval(o.expr(), scope)));
            case Node.If i -> {
                for (Node.Branch b : i.branches()) {
                    if (Values.truthy(eval(b.test(), scope))) return execBody(b.body(), scope, out);
                }
                return execBody(i.orElse(), scope, out);
            }
            case Node.For f -> runFor(f, eval(f.iter(), scope), scope, out, 0);
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Node.SetBlock s -> {
                StringBuilder body = new StringBuilder();
                execBody(s.body(), new Scope(scope), body);
                Object value = s.filter() == null ? body.toString() : applyFilter(s.filter(), body.toString(), scope);
                assign(s.target(), value, scope);
            }
            case Node.Macro m -> scope.set(m.name(), new Macro(m.name(), m.signature(), m.body(), scope, this));
            case Node.CallBlock c -> {
                Macro caller = new Macro("caller", c.signature(), c.body(), scope, this);
                Object fn = eval(c.call().fn(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                collectArgs(c.call(), scope, args, kwargs);
                kwargs.put("caller", caller);
                out.append(Values.str(call(fn, args, kwargs)));
            }
            case Node.FilterBlock f -> {
                StringBuilder body = new StringBuilder();
                execBody(f.body(), new Scope(scope), body);
                out.append(Values.str(applyFilter(f.filter(), body.toString(), scope)));
            }
            case Node.With w -> {
                Scope inner = new Scope(scope);
                for (int k = 0; k < w.targets().size(); k++) assign(w.targets().get(k), eval(w.values().get(k), scope), inner);
                return execBody(w.body(), inner, out);
            }
            case Node.Block b -> {
                return execBody(b.body(), scope, out);
            }
            case Node.Break b -> {
                return Flow.BREAK;
            }
            case Node.Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    private void runFor(Node.For f, Object iterable, Scope scope, StringBuilder out, int depth) {
        List<Object> items = Values.list(iterable);
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(scope);
                assign(f.target(), item, probe);
                if (Values.truthy(eval(f.filter(), probe))) kept.add(item);
            }
            items = kept;
        }
        LoopContext loop = new LoopContext(items, depth, !f.recursive() ? null : next -> nested(() -> {
            StringBuilder inner = new StringBuilder();
            runFor(f, next, scope, inner, depth + 1);
            return inner.toString();
        }));
        for (Object item : items) {
            loop.advance();
            Scope frame = new Scope(scope);
            frame.set("loop", loop);
            assign(f.target(), item, frame);
            if (execBody(f.body(), frame, out) == Flow.BREAK) break;
        }
        if (items.isEmpty()) execBody(f.orElse(), new Scope(scope), out);
    }

    private void assign(Expr target, Object value, Scope scope) {
        switch (target) {
            case Expr.Name n -> scope.set(n.name(), value);
            case Expr.NsRef r -> {
                if (!(scope.lookup(r.name()) instanceof Namespace ns)) {
                    throw TemplateException.runtime("cannot assign attribute on non-namespace object");
                }
                ns.set(r.attr(), value);
            }
            case Expr.TupleLit t -> {
                List<Object> values = Values.list(value);
                int n = t.items().size();
                if (values.size() < n) {
                    throw new TemplateException(TemplateException.Kind.VALUE_ERROR,
                            "not enough values to unpack (expected " + n + ", got " + values.size() + ")");
                }
                if (values.size() > n) {
                    throw new TemplateException(TemplateException.Kind.VALUE_ERROR,
                            "too many values to unpack (expected " + n + ")");
                }
                for (int i = 0; i < n; i++) assign(t.items().get(i), values.get(i), scope);
            }
            default -> throw TemplateException.runtime("cannot assign to " + target);
        }
    }

    // ---------------------------------------------------------------- expressions

    Object eval(Expr e, Scope s) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Name n -> s.lookup(n.name());
            case Expr.GetAttr g -> Access.getAttr(eval(g.obj(), s), g.name());
            case Expr.GetItem g -> Access.getItem(eval(g.obj(), s), eval(g.key(), s));
            case Expr.Slice sl -> Access.slice(eval(sl.obj(), s), opt(sl.start(), s), opt(sl.stop(), s), opt(sl.step(), s));
            case Expr.Call c -> {
                Object fn = eval(c.fn(), s);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                collectArgs(c, s, args, kwargs);
                yield call(fn, args, kwargs);
            }
            case Expr.Filter f -> applyFilter(f, null, s);
            case Expr.Test t -> {
                Object value = eval(t.value(), s);
                List<Object> args = new ArrayList<>();
                for (Expr a : t.args()) args.add(eval(a, s));
                yield Tests.apply(t.name(), value, args, kwargs(t.kwargs(), s));
            }
            case Expr.Unary u -> Operators.negate(eval(u.operand(), s), u.op());
            case Expr.Not n -> !Values.truthy(eval(n.operand(), s));
            case Expr.Binary b -> Operators.binary(b.op(), eval(b.left(), s), eval(b.right(), s));
            case Expr.And a -> {
                Object left = eval(a.left(), s);
                yield Values.truthy(left) ? eval(a.right(), s) : left;
            }
            case Expr.Or o -> {
                Object left = eval(o.left(), s);
                yield Values.truthy(left) ? left : eval(o.right(), s);
            }
            case Expr.Compare c -> compare(c, s);
            case Expr.Concat c -> {
                StringBuilder sb = new StringBuilder();
                for (Expr part : c.parts()) sb.append(Values.str(eval(part, s)));
                yield sb.toString();
            }
            case Expr.CondExpr c -> {
                if (Values.truthy(eval(c.test(), s))) yield eval(c.then(), s);
                yield c.orElse() != null ? eval(c.orElse(), s)
                        : Undefined.withHint("the inline if-expression evaluated to false and no else section was defined.");
            }
            case Expr.ListLit l -> {
                List<Object> out = new ArrayList<>(l.items().size());
                for (Expr item : l.items()) out.add(eval(item, s));
                yield out;
            }
            case Expr.TupleLit t -> {
                List<Object> out = new ArrayList<>(t.items().size());
                for (Expr item : t.items()) out.add(eval(item, s));
                yield new PyTuple(out);
            }
            case Expr.DictLit d -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Object key = eval(d.keys().get(i), s);
                    if (key instanceof List || key instanceof Map || key instanceof Namespace) {
                        throw TemplateException.type("unhashable type: '" + Values.typeName(key) + "'");
                    }
                    Values.dictPut(out, key instanceof Markup m ? m.text() : key, eval(d.values().get(i), s));
                }
                yield out;
            }
            case Expr.Kwarg k -> throw TemplateException.runtime("keyword argument outside a call");
            case Expr.Operand o -> throw TemplateException.runtime("comparison operand outside a comparison");
            case Expr.NsRef r -> throw TemplateException.runtime("namespace reference outside an assignment");
        };
    }

    private Object opt(Expr e, Scope s) {
        return e == null ? null : eval(e, s);
    }

    private boolean compare(Expr.Compare c, Scope s) {
        Object left = eval(c.first(), s);
        for (Expr.Operand op : c.ops()) {
            Object right = eval(op.right(), s);
            if (!Operators.compare(op.op(), left, right)) return false;
            left = right;
        }
        return true;
    }

    private Map<String, Object> kwargs(List<Expr.Kwarg> kwargs, Scope s) {
        if (kwargs.isEmpty()) return Map.of();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Expr.Kwarg k : kwargs) out.put(k.name(), eval(k.value(), s));
        return out;
    }

    private void collectArgs(Expr.Call c, Scope s, List<Object> args, Map<String, Object> kwargs) {
        for (Expr a : c.args()) args.add(eval(a, s));
        if (c.starArgs() != null) args.addAll(Values.list(eval(c.starArgs(), s)));
        for (Expr.Kwarg k : c.kwargs()) kwargs.put(k.name(), eval(k.value(), s));
        if (c.starKwargs() != null) {
            if (!(eval(c.starKwargs(), s) instanceof Map<?, ?> m)) throw TemplateException.type("argument after ** must be a mapping");
            m.forEach((k, v) -> kwargs.put(Values.str(k), v));
        }
    }

    /** Applies a filter chain; a chain head with a null value receives {@code input} (filter blocks). */
    private Object applyFilter(Expr.Filter f, Object input, Scope s) {
        Object value = f.value() == null ? input
                : f.value() instanceof Expr.Filter inner && input != null ? applyFilter(inner, input, s)
                : eval(f.value(), s);
        List<Object> args = new ArrayList<>(f.args().size());
        for (Expr a : f.args()) args.add(eval(a, s));
        return Filters.apply(f.name(), value, args, kwargs(f.kwargs(), s));
    }

    private static Object call(Object fn, List<Object> args, Map<String, Object> kwargs) {
        if (fn instanceof Undefined u) throw u.error();
        if (fn instanceof PyCallable c) return c.call(args, kwargs);
        throw TemplateException.type("'" + Values.typeName(fn) + "' object is not callable");
    }

    // ---------------------------------------------------------------- globals

    private void installGlobals(Scope g) {
        g.set("range", new Builtin("range", Interpreter::range));
        g.set("dict", new Builtin("dict", (args, kwargs) -> {
            Map<Object, Object> out = new LinkedHashMap<>();
            if (!args.isEmpty()) {
                if (args.getFirst() instanceof Map<?, ?> m) m.forEach((k, v) -> Values.dictPut(out, k, v));
                else for (Object pair : Values.list(args.getFirst())) {
                    List<Object> kv = Values.list(pair);
                    Values.dictPut(out, kv.get(0), kv.get(1));
                }
            }
            kwargs.forEach((k, v) -> Values.dictPut(out, k, v));
            return out;
        }));
        g.set("namespace", new Builtin("namespace", (args, kwargs) -> {
            Namespace ns = new Namespace();
            if (!args.isEmpty() && args.getFirst() instanceof Map<?, ?> m) m.forEach((k, v) -> ns.set(Values.str(k), v));
            kwargs.forEach(ns::set);
            return ns;
        }));
        g.set("raise_exception", new Builtin("raise_exception", (args, kwargs) -> {
            Object message = args.isEmpty() ? kwargs.get("message") : args.getFirst();
            throw new TemplateException(TemplateException.Kind.TEMPLATE_ERROR, Values.str(message));
        }));
        g.set("strftime_now", new Builtin("strftime_now", (args, kwargs) -> {
            if (args.isEmpty()) throw TemplateException.type("strftime_now() missing 1 required positional argument: 'fmt'");
            return PyFormat.strftime(Values.str(args.getFirst()), now);
        }));
        g.set("joiner", new Builtin("joiner", (args, kwargs) -> {
            String sep = args.isEmpty() ? ", " : Values.str(args.getFirst());
            boolean[] used = {false};
            return new Builtin("joiner", (a, k) -> {
                if (!used[0]) {
                    used[0] = true;
                    return "";
                }
                return sep;
            });
        }));
    }

    private static Object range(List<Object> args, Map<String, Object> kwargs) {
        Args a = new Args("range", args, kwargs);
        long start = 0;
        long stop;
        long step = 1;
        if (args.size() == 1) {
            stop = a.integer(0, "stop", 0);
        } else {
            start = a.integer(0, "start", 0);
            stop = a.integer(1, "stop", 0);
            step = a.integer(2, "step", 1);
        }
        if (step == 0) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "range() arg 3 must not be zero");
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() >= MAX_RANGE) {
                throw new TemplateException(TemplateException.Kind.OVERFLOW,
                        "Range too big. The sandbox blocks ranges larger than MAX_RANGE (" + MAX_RANGE + ").");
            }
            out.add(i);
        }
        return out;
    }
}
