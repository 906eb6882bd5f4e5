package hearth.engine.chat.jinja;

import hearth.engine.chat.jinja.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parses the token list into statements ({@code if}, {@code for}, {@code set}, {@code macro}...) and text. */
final class Parser extends ExpressionParser {
    private static final Set<String> TAGS =
            Set.of("if", "for", "set", "macro", "call", "filter", "with", "break", "continue", "generation");
    /** Tags of the statements being parsed, innermost first (for error messages). */
    private final Deque<String> openBlocks = new ArrayDeque<>();
    /** End tags each enclosing body is looking for, innermost first. */
    private final Deque<List<String>> endTagStack = new ArrayDeque<>();

    private Parser(List<Token> tokens) {
        super(tokens);
    }

    static List<Node> parse(List<Token> tokens) {
        return new Parser(tokens).subparse(null);
    }

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
}
