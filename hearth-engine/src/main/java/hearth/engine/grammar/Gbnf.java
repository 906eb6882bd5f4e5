package hearth.engine.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GBNF text syntax (llama.cpp's grammar format), read and written.
 *
 * <pre>
 * root   ::= "{" ws pair ("," ws pair)* "}"     # a comment
 * pair   ::= [a-z]+ ":" ws [0-9]{1,3}
 * ws     ::= [ \t\n]*
 * </pre>
 *
 * Elements: {@code "literal"}, {@code [class]} / {@code [^negated]} with ranges {@code a-z}, {@code .} (any
 * character), rule names, {@code ( groups )}, alternatives {@code |}, and repetition {@code * + ? {m} {m,} {m,n}}.
 * Escapes: {@code \n \r \t \\ \" \[ \] \xHH &#92;uHHHH \UHHHHHHHH}, and a backslash before any other punctuation stands
 * for that character. Unlike llama.cpp, line breaks may appear anywhere between elements: a rule ends where the next
 * {@code name ::=} starts.
 */
public final class Gbnf {
    private final String src;
    private int pos;

    private Gbnf(String src) {
        this.src = src;
    }

    /** The rules of a GBNF text, in order of definition. */
    public static Map<String, Expr> parse(String text) {
        Gbnf p = new Gbnf(text);
        Map<String, Expr> rules = new LinkedHashMap<>();
        p.skipSpace();
        while (!p.eof()) {
            int at = p.pos;
            String name = p.name();
            if (name.isEmpty()) throw p.error("expected a rule name");
            p.skipSpace();
            if (!p.src.startsWith("::=", p.pos)) throw p.error("expected '::=' after rule name '" + name + "'");
            p.pos += 3;
            p.skipSpace();
            Expr body = p.alternation();
            if (rules.putIfAbsent(name, body) != null) {
                p.pos = at;
                throw p.error("rule '" + name + "' is defined twice");
            }
            if (!p.eof() && p.peek() == ')') throw p.error("unbalanced ')'");
        }
        return rules;
    }

    private Expr alternation() {
        List<Expr> options = new ArrayList<>();
        options.add(sequence());
        while (!eof() && peek() == '|') {
            pos++;
            skipSpace();
            options.add(sequence());
        }
        return Expr.alt(options);
    }

    private Expr sequence() {
        List<Expr> items = new ArrayList<>();
        while (!eof()) {
            char c = peek();
            if (c == '|' || c == ')') break;
            if (isNameChar(c) && startsRule()) break;
            items.add(item());
            skipSpace();
        }
        if (items.isEmpty()) return Expr.empty();
        return items.size() == 1 ? items.getFirst() : new Expr.Seq(items);
    }

    /** Whether a rule definition ({@code name ::=}) starts here. */
    private boolean startsRule() {
        int save = pos;
        name();
        skipSpace();
        boolean rule = src.startsWith("::=", pos);
        pos = save;
        return rule;
    }

    private Expr item() {
        Expr e = primary();
        while (!eof()) {
            char c = peek();
            if (c == '*') e = Expr.star(e);
            else if (c == '+') e = new Expr.Repeat(e, 1, Expr.Repeat.UNBOUNDED);
            else if (c == '?') e = Expr.opt(e);
            else if (c == '{') {
                e = bounds(e);
                continue;
            } else break;
            pos++;
        }
        return e;
    }

    private Expr bounds(Expr e) {
        pos++; // '{'
        skipSpace();
        int min = number();
        int max = min;
        skipSpace();
        if (!eof() && peek() == ',') {
            pos++;
            skipSpace();
            max = !eof() && Character.isDigit(peek()) ? number() : Expr.Repeat.UNBOUNDED;
            skipSpace();
        }
        if (eof() || peek() != '}') throw error("expected '}' to close the repetition bounds");
        pos++;
        if (max != Expr.Repeat.UNBOUNDED && max < min) throw error("repetition maximum " + max + " is below the minimum " + min);
        return new Expr.Repeat(e, min, max);
    }

    private int number() {
        int start = pos;
        while (!eof() && Character.isDigit(peek())) pos++;
        if (start == pos) throw error("expected a number");
        if (pos - start > 6) throw error("repetition count too large");
        return Integer.parseInt(src, start, pos, 10);
    }

    private Expr primary() {
        char c = peek();
        if (c == '"') return literal();
        if (c == '[') return charClass();
        if (c == '.') {
            pos++;
            return Expr.notChars();
        }
        if (c == '(') {
            pos++;
            skipSpace();
            Expr inner = alternation();
            if (eof() || peek() != ')') throw error("expected ')'");
            pos++;
            return inner;
        }
        if (isNameChar(c)) return new Expr.Ref(name());
        throw error("unexpected '" + c + "'");
    }

    private Expr literal() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (eof()) throw error("unterminated string literal");
            char c = peek();
            if (c == '"') break;
            int cp = c == '\\' ? escape() : nextCodePoint();
            if (cp >= 0xD800 && cp <= 0xDFFF) throw error("a surrogate code point cannot appear in a literal");
            sb.appendCodePoint(cp);
        }
        pos++;
        return new Expr.Text(sb.toString());
    }

    private Expr charClass() {
        pos++; // '['
        boolean negated = false;
        if (!eof() && peek() == '^') {
            negated = true;
            pos++;
        }
        List<Integer> ranges = new ArrayList<>();
        while (true) {
            if (eof()) throw error("unterminated character class");
            if (peek() == ']') break;
            int lo = classChar();
            int hi = lo;
            if (pos + 1 < src.length() && peek() == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                hi = classChar();
                if (hi < lo) throw error("character range is backwards");
            }
            ranges.add(lo);
            ranges.add(hi);
        }
        pos++;
        int[] r = new int[ranges.size()];
        for (int i = 0; i < r.length; i++) r[i] = ranges.get(i);
        return new Expr.CharClass(r, negated);
    }

    private int classChar() {
        return peek() == '\\' ? escape() : nextCodePoint();
    }

    private int escape() {
        pos++; // backslash
        if (eof()) throw error("unfinished escape");
        char c = src.charAt(pos++);
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            default -> {
                if (Character.isLetterOrDigit(c)) {
                    pos--;
                    throw error("unknown escape '\\" + c + "'");
                }
                yield c;
            }
        };
    }

    private int hex(int digits) {
        if (pos + digits > src.length()) throw error("expected " + digits + " hex digits");
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(src.charAt(pos + i), 16);
            if (d < 0) throw error("expected " + digits + " hex digits");
            v = v * 16 + d;
        }
        if (v > Character.MAX_CODE_POINT) throw error("code point out of range");
        pos += digits;
        return v;
    }

    private int nextCodePoint() {
        int cp = src.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }

    private String name() {
        int start = pos;
        while (!eof() && isNameChar(peek())) pos++;
        return src.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private void skipSpace() {
        while (!eof()) {
            char c = peek();
            if (c == '#') {
                while (!eof() && peek() != '\n') pos++;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private boolean eof() {
        return pos >= src.length();
    }

    private char peek() {
        return src.charAt(pos);
    }

    private GrammarException error(String message) {
        int line = 1, col = 1;
        for (int i = 0; i < Math.min(pos, src.length()); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GrammarException("grammar syntax error at " + line + ":" + col + ": " + message);
    }

    // ---- writing ----

    /** GBNF text for rules, one per line, in map order. {@link #parse} reads it back to the same rules. */
    public static String format(Map<String, Expr> rules) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Expr> r : rules.entrySet()) {
            sb.append(r.getKey()).append(" ::= ");
            write(sb, r.getValue(), 0);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** GBNF text of one expression. */
    public static String format(Expr e) {
        StringBuilder sb = new StringBuilder();
        write(sb, e, 0);
        return sb.toString();
    }

    // precedence: 0 = alternation allowed, 1 = inside a sequence, 2 = operand of a repetition
    private static void write(StringBuilder sb, Expr e, int level) {
        switch (e) {
            case Expr.Text t -> quote(sb, t.value());
            case Expr.Ref r -> sb.append(r.rule());
            case Expr.CharClass c -> writeClass(sb, c);
            case Expr.Seq s -> {
                if (s.items().isEmpty()) {
                    sb.append("\"\"");
                    return;
                }
                boolean paren = level >= 2 && s.items().size() > 1;
                if (paren) sb.append('(');
                for (int i = 0; i < s.items().size(); i++) {
                    if (i > 0) sb.append(' ');
                    write(sb, s.items().get(i), s.items().size() > 1 ? 1 : level);
                }
                if (paren) sb.append(')');
            }
            case Expr.Alt a -> {
                boolean paren = level >= 1;
                if (paren) sb.append('(');
                for (int i = 0; i < a.options().size(); i++) {
                    if (i > 0) sb.append(" | ");
                    write(sb, a.options().get(i), 0);
                }
                if (paren) sb.append(')');
            }
            case Expr.Repeat r -> {
                boolean paren = r.item() instanceof Expr.Repeat;
                if (paren) sb.append('(');
                write(sb, r.item(), 2);
                if (paren) sb.append(')');
                int min = r.min(), max = r.max();
                if (min == 0 && max == Expr.Repeat.UNBOUNDED) sb.append('*');
                else if (min == 1 && max == Expr.Repeat.UNBOUNDED) sb.append('+');
                else if (min == 0 && max == 1) sb.append('?');
                else if (max == Expr.Repeat.UNBOUNDED) sb.append('{').append(min).append(",}");
                else if (min == max) sb.append('{').append(min).append('}');
                else sb.append('{').append(min).append(',').append(max).append('}');
            }
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        s.codePoints().forEach(cp -> escapeChar(sb, cp, cp == '"'));
        sb.append('"');
    }

    private static void writeClass(StringBuilder sb, Expr.CharClass c) {
        int[] r = c.ranges();
        if (c.negated() && r.length == 0) {
            sb.append('.');
            return;
        }
        sb.append('[');
        if (c.negated()) sb.append('^');
        for (int i = 0; i < r.length; i += 2) {
            escapeChar(sb, r[i], r[i] == ']' || r[i] == '-' || r[i] == '^' || r[i] == '[');
            if (r[i + 1] != r[i]) {
                sb.append('-');
                escapeChar(sb, r[i + 1], r[i + 1] == ']' || r[i + 1] == '-' || r[i + 1] == '^' || r[i + 1] == '[');
            }
        }
        sb.append(']');
    }

    private static void escapeChar(StringBuilder sb, int cp, boolean special) {
        switch (cp) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case '\\' -> sb.append("\\\\");
            default -> {
                if (special) sb.append('\\').appendCodePoint(cp);
                else if (cp < 0x20 || cp == 0x7f) sb.append(String.format("\\x%02X", cp));
                else if (Character.isISOControl(cp) || (cp >= 0xD800 && cp <= 0xDFFF) || !Character.isDefined(cp)) sb.append(String.format("\\U%08X", cp));
                else sb.appendCodePoint(cp);
            }
        }
    }
}
