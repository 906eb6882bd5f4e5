package hearth.engine.chat.jinja;

import hearth.engine.chat.jinja.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser with Jinja2's grammar and precedence: conditional expression, or, and, not, comparison
 * chains ({@code in}, {@code not in}), {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary sign, then primaries
 * with postfix subscripts, calls, {@code |filters} and {@code is tests} (which therefore bind tighter than any binary
 * operator: {@code not x|length} is {@code not (x|length)}).
 */
final class Parser {
    private static final Set<String> TAGS =
            Set.of("if", "for", "set", "macro", "call", "filter", "with", "break", "continue", "generation");
    private final List<Token> tokens;
    private int pos;
    /** Names referenced inside each macro body being parsed (to know whether it takes caller/kwargs/varargs). */
    private final Deque<Set<String>> macroNames = new ArrayDeque<>();
    /** Tags of the statements being parsed, innermost first (for error messages). */
    private final Deque<String> openBlocks = new ArrayDeque<>();
    /** End tags each enclosing body is looking for, innermost first. */
    private final Deque<List<String>> endTagStack = new ArrayDeque<>();

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(List<Token> tokens) {
        Parser p = new Parser(tokens);
        return p.subparse(null);
    }

    // ---------------------------------------------------------------- token stream

    private Token cur() {
        return tokens.get(pos);
    }

    private Token look() {
        return tokens.get(Math.min(pos + 1, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (pos < tokens.size() - 1) pos++;
        return t;
    }

    private TemplateException fail(String message) {
        return TemplateException.syntax(message, cur().line());
    }

    /** Jinja2's message for a missing token: {@code expected token 'X', got 'Y'}. */
    private TemplateException unexpected(String expected) {
        if (cur().is(Type.EOF)) return fail("unexpected end of template, expected '" + expected + "'.");
        return fail("expected token '" + expected + "', got '" + cur().describe() + "'");
    }

    private Token expect(Type type) {
        if (!cur().is(type)) throw unexpected(Token.describe(type));
        return next();
    }

    private void expectOp(String op) {
        if (!cur().isOp(op)) throw unexpected(op);
        next();
    }

    private String expectName() {
        return (String) expect(Type.NAME).value();
    }

    private void expectName(String name) {
        if (!cur().isName(name)) throw unexpected(name);
        next();
    }

    private boolean skipOp(String op) {
        if (cur().isOp(op)) {
            next();
            return true;
        }
        return false;
    }

    private boolean skipName(String name) {
        if (cur().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- statements

    /** Statements until a block tag named in {@code endTags} (left as the current token), or EOF when null. */
    private List<Node> subparse(List<String> endTags) {
        if (endTags != null) endTagStack.push(endTags);
        try {
            return statements(endTags);
        } finally {
            if (endTags != null) endTagStack.pop();
        }
    }

    /** Jinja2's message for an unknown tag ({@code name}) or a premature end of template (null). */
    private TemplateException unknownTagOrEof(String name) {
        StringBuilder msg = new StringBuilder(name == null ? "Unexpected end of template."
                : "Encountered unknown tag '" + name + "'.");
        if (!endTagStack.isEmpty()) {
            String looking = String.join(" or ", endTagStack.peek().stream().map(t -> "'" + t + "'").toList());
            boolean expected = name != null && endTagStack.stream().anyMatch(l -> l.contains(name));
            msg.append(expected ? " You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for "
                    + looking + "." : " Jinja was looking for the following tags: " + looking + ".");
        }
        if (!openBlocks.isEmpty()) msg.append(" The innermost block that needs to be closed is '").append(openBlocks.peek()).append("'.");
        return fail(msg.toString());
    }

    private List<Node> statements(List<String> endTags) {
        List<Node> body = new ArrayList<>();
        while (true) {
            Token t = cur();
            switch (t.type()) {
                case TEXT -> {
                    body.add(new Node.Text((String) t.value()));
                    next();
                }
                case VAR_BEGIN -> {
                    next();
                    body.add(new Node.Output(parseTuple(false, true, false)));
                    expect(Type.VAR_END);
                }
                case BLOCK_BEGIN -> {
                    next();
                    if (endTags != null && cur().is(Type.NAME) && endTags.contains((String) cur().value())) return body;
                    body.add(parseStatement());
                    expect(Type.BLOCK_END);
                }
                case EOF -> {
                    if (endTags != null) throw unknownTagOrEof(null);
                    return body;
                }
                default -> throw fail("unexpected '" + t.describe() + "'");
            }
        }
    }

    /** Consumes the block end of a header and the body up to (not including) the name of one of the end tags. */
    private List<Node> block(String... endTags) {
        expect(Type.BLOCK_END);
        return subparse(List.of(endTags));
    }

    private Node parseStatement() {
        if (!cur().is(Type.NAME)) throw fail("tag name expected");
        String tag = (String) cur().value();
        if (!TAGS.contains(tag)) throw unknownTagOrEof(tag);
        next();
        openBlocks.push(tag);
        try {
            return statement(tag);
        } finally {
            openBlocks.pop();
        }
    }

    private Node statement(String tag) {
        return switch (tag) {
            case "if" -> parseIf();
            case "for" -> parseFor();
            case "set" -> parseSet();
            case "macro" -> parseMacro();
            case "call" -> parseCallBlock();
            case "filter" -> parseFilterBlock();
            case "with" -> parseWith();
            case "break" -> new Node.Break();
            case "continue" -> new Node.Continue();
            case "generation" -> {
                List<Node> body = block("endgeneration");
                next();
                yield new Node.Block(body);
            }
            default -> throw new IllegalStateException(tag);
        };
    }

    private Node parseIf() {
        List<Node.Branch> branches = new ArrayList<>();
        Expr test = parseTuple(false, false, false);
        branches.add(new Node.Branch(test, block("elif", "else", "endif")));
        while (true) {
            String tag = (String) next().value();
            switch (tag) {
                case "elif" -> {
                    Expr t = parseTuple(false, false, false);
                    branches.add(new Node.Branch(t, block("elif", "else", "endif")));
                }
                case "else" -> {
                    List<Node> orElse = block("endif");
                    next();
                    return new Node.If(branches, orElse);
                }
                default -> {
                    return new Node.If(branches, List.of());
                }
            }
        }
    }

    private Node parseFor() {
        Expr target = parseAssignTarget(false, false);
        expectName("in");
        Expr iter = parseTuple(false, false, false);
        Expr filter = skipName("if") ? parseExpression(true) : null;
        boolean recursive = skipName("recursive");
        List<Node> body = block("endfor", "else");
        List<Node> orElse = List.of();
        if (next().value().equals("else")) {
            orElse = block("endfor");
            next();
        }
        return new Node.For(target, iter, filter, body, orElse, recursive);
    }

    private Node parseSet() {
        Expr target = parseAssignTarget(false, true);
        if (skipOp("=")) return new Node.Set(target, parseTuple(false, true, false));
        Expr.Filter filter = cur().isOp("|") ? (Expr.Filter) parseFilter(null, false) : null;
        List<Node> body = block("endset");
        next();
        return new Node.SetBlock(target, filter, body);
    }

    private Node parseMacro() {
        String name = expectName();
        macroNames.push(new HashSet<>());
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        parseSignatureInto(params, defaults);
        List<Node> body = block("endmacro");
        next();
        return new Node.Macro(name, signature(params, defaults, macroNames.pop()), body);
    }

    private Node parseCallBlock() {
        macroNames.push(new HashSet<>());
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        if (cur().isOp("(")) parseSignatureInto(params, defaults);
        Set<String> namesInHeader = macroNames.pop();
        Expr call = parseExpression(true);
        if (!(call instanceof Expr.Call c)) throw fail("expected call");
        macroNames.push(namesInHeader);
        List<Node> body = block("endcall");
        next();
        return new Node.CallBlock(c, signature(params, defaults, macroNames.pop()), body);
    }

    private static Node.Signature signature(List<String> params, List<Expr> defaults, Set<String> used) {
        return new Node.Signature(List.copyOf(params), List.copyOf(defaults),
                used.contains("caller"), used.contains("kwargs"), used.contains("varargs"));
    }

    private void parseSignatureInto(List<String> params, List<Expr> defaults) {
        expectOp("(");
        while (!cur().isOp(")")) {
            if (!params.isEmpty()) expectOp(",");
            String name = expectName();
            if (skipOp("=")) defaults.add(parseExpression(true));
            else if (!defaults.isEmpty()) throw fail("non-default argument follows default argument");
            params.add(name);
        }
        expectOp(")");
    }

    private Node parseFilterBlock() {
        Expr.Filter filter = (Expr.Filter) parseFilter(null, true);
        List<Node> body = block("endfilter");
        next();
        return new Node.FilterBlock(filter, body);
    }

    private Node parseWith() {
        List<Expr> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!cur().is(Type.BLOCK_END)) {
            if (!targets.isEmpty()) expectOp(",");
            targets.add(parseAssignTarget(false, false));
            expectOp("=");
            values.add(parseExpression(true));
        }
        List<Node> body = block("endwith");
        next();
        return new Node.With(targets, values, body);
    }

    private Expr parseAssignTarget(boolean nameOnly, boolean withNamespace) {
        Expr target;
        if (nameOnly) {
            target = new Expr.Name(expectName());
        } else if (withNamespace && cur().is(Type.NAME) && look().isOp(".")) {
            String name = expectName();
            next();
            target = new Expr.NsRef(name, expectName());
        } else {
            target = parseTuple(true, false, false);
        }
        checkAssignable(target);
        return target;
    }

    private void checkAssignable(Expr target) {
        switch (target) {
            case Expr.Name n -> { }
            case Expr.NsRef r -> { }
            case Expr.TupleLit t -> t.items().forEach(this::checkAssignable);
            default -> throw fail("can't assign to '" + target.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "'");
        }
    }

    // ---------------------------------------------------------------- expressions

    /** Comma-separated expressions: a tuple when there is a comma, else the single expression. */
    private Expr parseTuple(boolean simplified, boolean withCondexpr, boolean explicitParens) {
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

    private Expr parseExpression(boolean withCondexpr) {
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

    private Expr parsePrimary() {
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

    private Expr parseFilter(Expr node, boolean startInline) {
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
