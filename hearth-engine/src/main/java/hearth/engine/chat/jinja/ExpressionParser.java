package hearth.engine.chat.jinja;

import hearth.engine.chat.jinja.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Expressions with Jinja2's grammar and precedence: conditional expression, or, and, not, comparison chains
 * ({@code in}, {@code not in}), {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary sign, then primaries with
 * postfix subscripts, calls, {@code |filters} and {@code is tests} (which therefore bind tighter than any binary
 * operator: {@code not x|length} is {@code not (x|length)}).
 */
abstract class ExpressionParser extends TokenStream {
    /** Names referenced inside each macro body being parsed (to know whether it takes caller/kwargs/varargs). */
    final Deque<Set<String>> macroNames = new ArrayDeque<>();

    ExpressionParser(List<Token> tokens) {
        super(tokens);
    }

    /** Comma-separated expressions: a tuple when there is a comma, else the single expression. */
    Expr parseTuple(boolean simplified, boolean withCondexpr, boolean explicitParens) {
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) expectOp(",");
            if (isTupleEnd()) break;
            items.add(simplified ? parsePrimary() : parseExpression(withCondexpr));
            if (cur().isOp(",")) isTuple = true;
            else break;
        }
        if (!isTuple) {
            if (!items.isEmpty()) return items.getFirst();
            if (!explicitParens) throw fail("Expected an expression, got '" + cur().describe() + "'");
        }
        return new Expr.TupleLit(List.copyOf(items));
    }

    /**
     * Jinja2 3.1 passes "extra end rules" here (the {@code in} of a for loop) but its check never matches them, so
     * {@code {% for in y %}} parses {@code in} as the target; we do the same to report the same errors.
     */
    private boolean isTupleEnd() {
        Token t = cur();
        return t.is(Type.VAR_END) || t.is(Type.BLOCK_END) || t.isOp(")");
    }

    Expr parseExpression(boolean withCondexpr) {
        return withCondexpr ? parseCondExpr() : parseOr();
    }

    private Expr parseCondExpr() {
        Expr expr = parseOr();
        while (skipName("if")) {
            Expr test = parseOr();
            Expr orElse = skipName("else") ? parseCondExpr() : null;
            expr = new Expr.CondExpr(test, expr, orElse);
        }
        return expr;
    }

    private Expr parseOr() {
        Expr left = parseAnd();
        while (skipName("or")) left = new Expr.Or(left, parseAnd());
        return left;
    }

    private Expr parseAnd() {
        Expr left = parseNot();
        while (skipName("and")) left = new Expr.And(left, parseNot());
        return left;
    }

    private Expr parseNot() {
        if (skipName("not")) return new Expr.Not(parseNot());
        return parseCompare();
    }

    private Expr parseCompare() {
        Expr first = parseMath1();
        List<Expr.Operand> ops = new ArrayList<>();
        while (true) {
            Token t = cur();
            if (t.is(Type.OP) && Set.of("==", "!=", "<", "<=", ">", ">=").contains((String) t.value())) {
                next();
                ops.add(new Expr.Operand((String) t.value(), parseMath1()));
            } else if (skipName("in")) {
                ops.add(new Expr.Operand("in", parseMath1()));
            } else if (t.isName("not") && look().isName("in")) {
                next();
                next();
                ops.add(new Expr.Operand("notin", parseMath1()));
            } else {
                break;
            }
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, List.copyOf(ops));
    }

    private Expr parseMath1() {
        Expr left = parseConcat();
        while (cur().isOp("+") || cur().isOp("-")) {
            String op = next().text();
            left = new Expr.Binary(op, left, parseConcat());
        }
        return left;
    }

    private Expr parseConcat() {
        List<Expr> parts = new ArrayList<>();
        parts.add(parseMath2());
        while (skipOp("~")) parts.add(parseMath2());
        return parts.size() == 1 ? parts.getFirst() : new Expr.Concat(List.copyOf(parts));
    }

    private Expr parseMath2() {
        Expr left = parsePow();
        while (cur().isOp("*") || cur().isOp("/") || cur().isOp("//") || cur().isOp("%")) {
            String op = next().text();
            left = new Expr.Binary(op, left, parsePow());
        }
        return left;
    }

    private Expr parsePow() {
        Expr left = parseUnary(true);
        while (skipOp("**")) left = new Expr.Binary("**", left, parseUnary(true));
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        Expr node;
        if (cur().isOp("-") || cur().isOp("+")) {
            String op = next().text();
            node = new Expr.Unary(op, parseUnary(false));
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        return withFilter ? parseFilterExpr(node) : node;
    }

    Expr parsePrimary() {
        Token t = cur();
        switch (t.type()) {
            case NAME -> {
                next();
                String n = (String) t.value();
                return switch (n) {
                    case "true", "True" -> new Expr.Const(Boolean.TRUE);
                    case "false", "False" -> new Expr.Const(Boolean.FALSE);
                    case "none", "None" -> new Expr.Const(null);
                    default -> {
                        for (Set<String> names : macroNames) names.add(n);
                        yield new Expr.Name(n);
                    }
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder();
                while (cur().is(Type.STRING)) sb.append((String) next().value());
                return new Expr.Const(sb.toString());
            }
            case INTEGER, FLOAT -> {
                next();
                return new Expr.Const(t.value());
            }
            case OP -> {
                switch ((String) t.value()) {
                    case "(" -> {
                        next();
                        Expr e = parseTuple(false, true, true);
                        expectOp(")");
                        return e;
                    }
                    case "[" -> {
                        return parseList();
                    }
                    case "{" -> {
                        return parseDict();
                    }
                    default -> { }
                }
            }
            default -> { }
        }
        if (t.is(Type.EOF)) throw fail("unexpected end of template");
        throw fail("unexpected '" + t.describe() + "'");
    }

    private Expr parseList() {
        expectOp("[");
        List<Expr> items = new ArrayList<>();
        while (!cur().isOp("]")) {
            if (!items.isEmpty()) expectOp(",");
            if (cur().isOp("]")) break;
            items.add(parseExpression(true));
        }
        expectOp("]");
        return new Expr.ListLit(List.copyOf(items));
    }

    private Expr parseDict() {
        expectOp("{");
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!cur().isOp("}")) {
            if (!keys.isEmpty()) expectOp(",");
            if (cur().isOp("}")) break;
            keys.add(parseExpression(true));
            expectOp(":");
            values.add(parseExpression(true));
        }
        expectOp("}");
        return new Expr.DictLit(List.copyOf(keys), List.copyOf(values));
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            if (cur().isOp(".") || cur().isOp("[")) node = parseSubscript(node);
            else if (cur().isOp("(")) node = parseCall(node);
            else return node;
        }
    }

    private Expr parseFilterExpr(Expr node) {
        while (true) {
            if (cur().isOp("|")) node = parseFilter(node, false);
            else if (cur().isName("is")) node = parseTest(node);
            else if (cur().isOp("(")) node = parseCall(node);
            else return node;
        }
    }

    private Expr parseSubscript(Expr node) {
        if (skipOp(".")) {
            Token t = next();
            if (t.is(Type.NAME)) return new Expr.GetAttr(node, (String) t.value());
            if (t.is(Type.INTEGER)) return new Expr.GetItem(node, new Expr.Const(t.value()));
            throw TemplateException.syntax("expected name or number", t.line());
        }
        expectOp("[");
        List<Expr> subs = new ArrayList<>();
        Expr[] slice = null;
        while (!cur().isOp("]")) {
            if (!subs.isEmpty() || slice != null) expectOp(",");
            Expr[] parts = parseSubscribed();
            if (parts.length == 1) subs.add(parts[0]);
            else slice = parts;
        }
        expectOp("]");
        if (slice != null) {
            if (!subs.isEmpty()) throw fail("multi-dimensional subscripts are not supported");
            return new Expr.Slice(node, slice[0], slice[1], slice[2]);
        }
        if (subs.isEmpty()) throw fail("expected subscript");
        return new Expr.GetItem(node, subs.size() == 1 ? subs.getFirst() : new Expr.TupleLit(List.copyOf(subs)));
    }

    /** A single subscript (length-1 array) or slice bounds start/stop/step (length 3, null parts allowed). */
    private Expr[] parseSubscribed() {
        Expr start = null;
        if (!cur().isOp(":")) {
            Expr e = parseExpression(true);
            if (!cur().isOp(":")) return new Expr[] {e};
            start = e;
        }
        next();
        Expr stop = null;
        Expr step = null;
        if (!cur().isOp(":") && !cur().isOp("]") && !cur().isOp(",")) stop = parseExpression(true);
        if (skipOp(":")) {
            if (!cur().isOp("]") && !cur().isOp(",")) step = parseExpression(true);
        }
        return new Expr[] {start, stop, step};
    }

    private record CallArgs(List<Expr> args, List<Expr.Kwarg> kwargs, Expr starArgs, Expr starKwargs) { }

    private CallArgs parseCallArgs() {
        expectOp("(");
        List<Expr> args = new ArrayList<>();
        List<Expr.Kwarg> kwargs = new ArrayList<>();
        Expr starArgs = null;
        Expr starKwargs = null;
        boolean requireComma = false;
        while (!cur().isOp(")")) {
            if (requireComma) {
                expectOp(",");
                if (cur().isOp(")")) break;
            }
            if (skipOp("*")) {
                starArgs = parseExpression(true);
            } else if (skipOp("**")) {
                starKwargs = parseExpression(true);
            } else if (cur().is(Type.NAME) && look().isOp("=")) {
                String key = expectName();
                next();
                kwargs.add(new Expr.Kwarg(key, parseExpression(true)));
            } else {
                if (!kwargs.isEmpty() || starArgs != null || starKwargs != null) {
                    throw fail("invalid syntax for function call expression");
                }
                args.add(parseExpression(true));
            }
            requireComma = true;
        }
        expectOp(")");
        return new CallArgs(List.copyOf(args), List.copyOf(kwargs), starArgs, starKwargs);
    }

    private Expr parseCall(Expr fn) {
        CallArgs a = parseCallArgs();
        return new Expr.Call(fn, a.args(), a.kwargs(), a.starArgs(), a.starKwargs());
    }

    Expr parseFilter(Expr node, boolean startInline) {
        while (cur().isOp("|") || startInline) {
            if (!startInline) next();
            int line = cur().line();
            StringBuilder name = new StringBuilder(expectName());
            while (skipOp(".")) name.append('.').append(expectName());
            if (!Filters.exists(name.toString())) {
                throw new TemplateException(TemplateException.Kind.ASSERTION, "No filter named '" + name + "'.", line);
            }
            CallArgs a = cur().isOp("(") ? parseCallArgs() : new CallArgs(List.of(), List.of(), null, null);
            if (a.starArgs() != null || a.starKwargs() != null) throw fail("*args in filter calls are not supported");
            node = new Expr.Filter(node, name.toString(), a.args(), a.kwargs());
            startInline = false;
        }
        return node;
    }

    private Expr parseTest(Expr node) {
        next();
        boolean negated = skipName("not");
        int line = cur().line();
        StringBuilder name = new StringBuilder(expectName());
        while (skipOp(".")) name.append('.').append(expectName());
        if (!Tests.exists(name.toString())) {
            throw new TemplateException(TemplateException.Kind.ASSERTION, "No test named '" + name + "'.", line);
        }
        List<Expr> args = List.of();
        List<Expr.Kwarg> kwargs = List.of();
        Token t = cur();
        if (t.isOp("(")) {
            CallArgs a = parseCallArgs();
            args = a.args();
            kwargs = a.kwargs();
        } else if ((t.is(Type.NAME) || t.is(Type.STRING) || t.is(Type.INTEGER) || t.is(Type.FLOAT)
                || t.isOp("[") || t.isOp("{")) && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) throw fail("You cannot chain multiple tests with is");
            args = List.of(parsePostfix(parsePrimary()));
        }
        Expr test = new Expr.Test(node, name.toString(), args, kwargs);
        return negated ? new Expr.Not(test) : test;
    }
}
