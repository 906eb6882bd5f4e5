package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Schema {@code pattern} (an ECMA-262 regular expression) as a grammar for the characters between a string's
 * quotes, each written the way JSON needs it ({@code "} as {@code \"}, a newline as {@code \n}).
 *
 * <p>Supported: literals, {@code .}, classes with ranges and negation, {@code \d \w \s} (and upper-case negations),
 * escaped punctuation, {@code \n \t \r \xHH \}{@code uHHHH}, groups ({@code (...)}, {@code (?:...)},
 * {@code (?<name>...)}), alternation, quantifiers {@code * + ? {m} {m,} {m,n}} (lazy or not, same language) and
 * {@code ^}/{@code $} at the ends. A pattern without {@code ^} may start with anything and one without {@code $} may
 * end with anything, as JSON Schema says. Anything else (back-references, look-around, word boundaries, anchors in
 * the middle) throws {@link Unsupported}; the schema compiler then falls back to an unconstrained string.
 */
final class PatternRules {
    /** A regular expression feature this translation does not handle. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    private final String re;
    private final JsonRules json;
    private int pos;

    private PatternRules(String re, JsonRules json) {
        this.re = re;
        this.json = json;
    }

    /** The grammar of the string content matching the pattern (without the surrounding quotes). */
    static Expr content(String pattern, JsonRules json) throws Unsupported {
        PatternRules p = new PatternRules(pattern, json);
        boolean anchoredStart = pattern.startsWith("^");
        if (anchoredStart) p.pos++;
        Expr body = p.alternation();
        boolean anchoredEnd = false;
        if (p.pos < pattern.length() && pattern.charAt(p.pos) == '$' && p.pos == pattern.length() - 1) {
            anchoredEnd = true;
            p.pos++;
        }
        if (p.pos != pattern.length()) throw new Unsupported("unexpected '" + pattern.charAt(p.pos) + "' at " + p.pos);
        Expr anything = Expr.star(json.stringChar());
        return seq(anchoredStart ? Expr.empty() : anything, body, anchoredEnd ? Expr.empty() : anything);
    }

    private Expr alternation() throws Unsupported {
        List<Expr> options = new ArrayList<>();
        options.add(sequence());
        while (pos < re.length() && re.charAt(pos) == '|') {
            pos++;
            options.add(sequence());
        }
        return alt(options);
    }

    private Expr sequence() throws Unsupported {
        List<Expr> items = new ArrayList<>();
        while (pos < re.length()) {
            char c = re.charAt(pos);
            if (c == '|' || c == ')') break;
            if (c == '$' && pos == re.length() - 1) break;
            items.add(quantified(atom()));
        }
        return seq(items.toArray(Expr[]::new));
    }

    private Expr quantified(Expr e) throws Unsupported {
        while (pos < re.length()) {
            char c = re.charAt(pos);
            int min, max;
            if (c == '*') {
                min = 0;
                max = Expr.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = Expr.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{' && pos + 1 < re.length() && Character.isDigit(re.charAt(pos + 1))) {
                pos++;
                min = number();
                max = min;
                if (pos < re.length() && re.charAt(pos) == ',') {
                    pos++;
                    max = pos < re.length() && Character.isDigit(re.charAt(pos)) ? number() : Expr.Repeat.UNBOUNDED;
                }
                if (pos >= re.length() || re.charAt(pos) != '}') throw new Unsupported("bad repetition bounds");
                pos++;
                if (max != Expr.Repeat.UNBOUNDED && max < min) throw new Unsupported("bad repetition bounds");
            } else {
                return e;
            }
            if (pos < re.length() && re.charAt(pos) == '?') pos++; // lazy: same set of strings
            e = Expr.repeat(e, min, max);
        }
        return e;
    }

    private int number() throws Unsupported {
        int start = pos;
        while (pos < re.length() && Character.isDigit(re.charAt(pos))) pos++;
        if (pos - start > 5) throw new Unsupported("repetition count too large");
        return Integer.parseInt(re, start, pos, 10);
    }

    private Expr atom() throws Unsupported {
        char c = re.charAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (re.startsWith("?:", pos)) pos += 2;
                else if (re.startsWith("?<", pos) && pos + 2 < re.length() && re.charAt(pos + 2) != '=' && re.charAt(pos + 2) != '!') {
                    int close = re.indexOf('>', pos);
                    if (close < 0) throw new Unsupported("bad group name");
                    pos = close + 1;
                } else if (pos < re.length() && re.charAt(pos) == '?') {
                    throw new Unsupported("look-around and other (? groups");
                }
                Expr inner = alternation();
                if (pos >= re.length() || re.charAt(pos) != ')') throw new Unsupported("unbalanced parenthesis");
                pos++;
                return inner;
            }
            case '[' -> {
                return charClass();
            }
            case '.' -> {
                pos++;
                return encode(new int[] {'\n', '\n'}, true);
            }
            case '\\' -> {
                pos++;
                return escapeAtom();
            }
            case '^', '$' -> throw new Unsupported("anchor inside the pattern");
            case '*', '+', '?', '{' -> throw new Unsupported("quantifier without an operand");
            default -> {
                int cp = re.codePointAt(pos);
                pos += Character.charCount(cp);
                return literal(cp);
            }
        }
    }

    private Expr escapeAtom() throws Unsupported {
        if (pos >= re.length()) throw new Unsupported("trailing backslash");
        char c = re.charAt(pos);
        int[] shorthand = shorthand(c);
        if (shorthand != null) {
            pos++;
            return encode(shorthand, Character.isUpperCase(c));
        }
        return literal(escapedChar());
    }

    /** The code point of an escape inside or outside a class (the backslash already consumed). */
    private int escapedChar() throws Unsupported {
        char c = re.charAt(pos++);
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            case '0' -> 0;
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            default -> {
                if (Character.isLetterOrDigit(c)) throw new Unsupported("escape \\" + c);
                yield c;
            }
        };
    }

    private int hex(int n) throws Unsupported {
        if (pos + n > re.length()) throw new Unsupported("short hex escape");
        int v = 0;
        for (int i = 0; i < n; i++) {
            int d = Character.digit(re.charAt(pos + i), 16);
            if (d < 0) throw new Unsupported("bad hex escape");
            v = v * 16 + d;
        }
        pos += n;
        return v;
    }

    private static int[] shorthand(char c) {
        return switch (Character.toLowerCase(c)) {
            case 'd' -> new int[] {'0', '9'};
            case 'w' -> new int[] {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
            case 's' -> new int[] {' ', ' ', '\t', '\r', 0x0B, 0x0C};
            default -> null;
        };
    }

    private Expr charClass() throws Unsupported {
        pos++; // '['
        boolean negated = pos < re.length() && re.charAt(pos) == '^';
        if (negated) pos++;
        List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (pos >= re.length()) throw new Unsupported("unterminated class");
            char c = re.charAt(pos);
            if (c == ']' && !first) break;
            first = false;
            int lo;
            if (c == '\\') {
                pos++;
                int[] sh = pos < re.length() ? shorthand(re.charAt(pos)) : null;
                if (sh != null) {
                    if (Character.isUpperCase(re.charAt(pos))) throw new Unsupported("negated shorthand inside a class");
                    pos++;
                    for (int r : sh) ranges.add(r);
                    continue;
                }
                lo = escapedChar();
            } else {
                lo = re.codePointAt(pos);
                pos += Character.charCount(lo);
            }
            int hi = lo;
            if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
                pos++;
                if (re.charAt(pos) == '\\') {
                    pos++;
                    hi = escapedChar();
                } else {
                    hi = re.codePointAt(pos);
                    pos += Character.charCount(hi);
                }
                if (hi < lo) throw new Unsupported("backwards range");
            }
            ranges.add(lo);
            ranges.add(hi);
        }
        pos++;
        int[] r = ranges.stream().mapToInt(Integer::intValue).toArray();
        return encode(r, negated);
    }

    private static Expr literal(int cp) {
        return text(jsonChar(cp));
    }

    /** How JSON writes one character inside a string. */
    private static String jsonChar(int cp) {
        String q = JsonRules.quote(new String(Character.toChars(cp)));
        return q.substring(1, q.length() - 1);
    }

    /**
     * The characters of a class as JSON string content: those JSON may write raw as one class, plus the escaped
     * spellings of quote, backslash and the common control characters that the class contains.
     */
    private static Expr encode(int[] ranges, boolean negated) throws Unsupported {
        Expr.CharClass cls = new Expr.CharClass(ranges, negated);
        int[] members = cls.normalized();
        List<Integer> raw = new ArrayList<>();
        List<Expr> options = new ArrayList<>();
        for (int i = 0; i < members.length; i += 2) {
            int lo = members[i], hi = members[i + 1];
            // cut out what JSON must escape: controls, '"' and '\'
            int[][] cuts = {{0, 0x1F}, {'"', '"'}, {'\\', '\\'}};
            List<int[]> pieces = new ArrayList<>(List.of(new int[] {lo, hi}));
            for (int[] cut : cuts) {
                List<int[]> next = new ArrayList<>();
                for (int[] p : pieces) {
                    if (p[1] < cut[0] || p[0] > cut[1]) {
                        next.add(p);
                        continue;
                    }
                    if (p[0] < cut[0]) next.add(new int[] {p[0], cut[0] - 1});
                    if (p[1] > cut[1]) next.add(new int[] {cut[1] + 1, p[1]});
                }
                pieces = next;
            }
            for (int[] p : pieces) {
                raw.add(p[0]);
                raw.add(p[1]);
            }
        }
        if (!raw.isEmpty()) options.add(new Expr.CharClass(raw.stream().mapToInt(Integer::intValue).toArray(), false));
        for (int special : new int[] {'"', '\\', '\n', '\t', '\r'}) {
            if (contains(members, special)) options.add(text(jsonChar(special)));
        }
        if (options.isEmpty()) throw new Unsupported("a class of control characters only");
        return alt(options);
    }

    private static boolean contains(int[] ranges, int cp) {
        for (int i = 0; i < ranges.length; i += 2) if (cp >= ranges[i] && cp <= ranges[i + 1]) return true;
        return false;
    }
}
