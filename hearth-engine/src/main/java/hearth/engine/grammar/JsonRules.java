package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.chars;
import static hearth.engine.grammar.Expr.opt;
import static hearth.engine.grammar.Expr.ref;
import static hearth.engine.grammar.Expr.repeat;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.star;
import static hearth.engine.grammar.Expr.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The building blocks of JSON grammars: whitespace, strings, numbers, literals and "any value". Numbers have bounded
 * digit counts and whitespace a bounded length, so a generation can never get stuck emitting an endless number or
 * endless blank space.
 */
final class JsonRules {
    /** Most digits before the decimal point (and after it) a generated number may have. */
    static final int MAX_DIGITS = 16;

    private final RuleSet rules;
    private final int maxIndent;
    private String ws, string, number, integer, value, object, array, chr;

    /** @param maxIndent most spaces/tabs after a line break; negative: no whitespace at all between tokens */
    JsonRules(RuleSet rules, int maxIndent) {
        this.rules = rules;
        this.maxIndent = maxIndent;
    }

    RuleSet rules() {
        return rules;
    }

    /** Optional whitespace between JSON tokens: nothing, one space, or a line break and up to maxIndent blanks. */
    Expr ws() {
        if (maxIndent < 0) return Expr.empty();
        if (ws == null) ws = rules.add("ws", opt(alt(text(" "), seq(text("\n"), repeat(chars(' ', ' ', '\t', '\t'), 0, maxIndent)))));
        return ref(ws);
    }

    /** One character inside a JSON string: anything but a quote, backslash or control character, or an escape. */
    Expr stringChar() {
        if (chr == null) {
            chr = rules.add("char", alt(
                    Expr.notChars('"', '"', '\\', '\\', 0, 0x1F),
                    seq(text("\\"), alt(chars('"', '"', '\\', '\\', '/', '/', 'b', 'b', 'f', 'f', 'n', 'n', 'r', 'r', 't', 't'),
                            seq(text("u"), repeat(chars('0', '9', 'a', 'f', 'A', 'F'), 4, 4))))));
        }
        return ref(chr);
    }

    /** Any JSON string. */
    Expr string() {
        if (string == null) string = rules.add("string", seq(text("\""), star(stringChar()), text("\"")));
        return ref(string);
    }

    /** A string of minLength..maxLength characters (max -1: unbounded). */
    Expr string(int min, int max) {
        if (min == 0 && max < 0) return string();
        return ref(rules.add("string-" + min + "-" + (max < 0 ? "n" : max),
                seq(text("\""), repeat(stringChar(), min, max < 0 ? Expr.Repeat.UNBOUNDED : max), text("\""))));
    }

    /**
     * A JSON string other than the given ones (keys of additional properties must differ from the declared keys).
     * Works on the keys' characters as written; a key that needs escapes in JSON disables the exclusion.
     */
    Expr stringExcept(Collection<String> excluded) {
        if (excluded.isEmpty()) return string();
        for (String k : excluded) if (!JsonRules.quote(k).equals("\"" + k + "\"")) return string();
        TreeSet<String> keys = new TreeSet<>(excluded);
        return ref(rules.add("key-other", seq(text("\""), restExcept(keys, ""))));
    }

    /** The rest of a string (content and closing quote) after {@code prefix}, avoiding exactly the keys. */
    private Expr restExcept(NavigableSet<String> keys, String prefix) {
        List<Expr> options = new ArrayList<>();
        if (!keys.contains(prefix)) options.add(text("\""));
        List<Integer> next = new ArrayList<>();
        for (String k : keys.tailSet(prefix, true)) {
            if (!k.startsWith(prefix)) break;
            if (k.length() == prefix.length()) continue;
            int cp = k.codePointAt(prefix.length());
            if (next.isEmpty() || next.getLast() != cp) next.add(cp);
        }
        int[] ranges = new int[2 * next.size() + 6];
        for (int i = 0; i < next.size(); i++) {
            ranges[2 * i] = next.get(i);
            ranges[2 * i + 1] = next.get(i);
            String p = prefix + Character.toString(next.get(i));
            options.add(seq(text(Character.toString(next.get(i))), restExcept(keys, p)));
        }
        // any other character, then anything: the string can no longer be one of the keys
        int n = 2 * next.size();
        ranges[n] = '"';
        ranges[n + 1] = '"';
        ranges[n + 2] = '\\';
        ranges[n + 3] = '\\';
        ranges[n + 4] = 0;
        ranges[n + 5] = 0x1F;
        Expr escape = seq(text("\\"), alt(chars('"', '"', '\\', '\\', '/', '/', 'b', 'b', 'f', 'f', 'n', 'n', 'r', 'r', 't', 't'),
                seq(text("u"), repeat(chars('0', '9', 'a', 'f', 'A', 'F'), 4, 4))));
        options.add(seq(alt(Expr.notChars(ranges), escape), star(stringChar()), text("\"")));
        Expr body = alt(options);
        return prefix.isEmpty() ? body : ref(rules.add("key-other-" + prefix, body));
    }

    private Expr digits(int min, int max) {
        return repeat(chars('0', '9'), min, max);
    }

    /** An integer; {@code sign}: 0 any, 1 non-negative only, -1 non-positive only. */
    Expr integer(int sign) {
        Expr magnitude = alt(text("0"), seq(chars('1', '9'), digits(0, MAX_DIGITS - 1)));
        if (sign == 0) {
            if (integer == null) integer = rules.add("integer", seq(opt(text("-")), magnitude));
            return ref(integer);
        }
        if (sign > 0) return ref(rules.add("integer-nonneg", magnitude));
        return ref(rules.add("integer-nonpos", alt(text("0"), seq(text("-"), chars('1', '9'), digits(0, MAX_DIGITS - 1)))));
    }

    /** A number: integer part, optional fraction, optional exponent. {@code sign} as for {@link #integer}. */
    Expr number(int sign) {
        Expr tail = seq(opt(seq(text("."), digits(1, MAX_DIGITS))), opt(seq(chars('e', 'e', 'E', 'E'), opt(chars('-', '-', '+', '+')), digits(1, 3))));
        if (sign == 0) {
            if (number == null) number = rules.add("number", seq(integer(0), tail));
            return ref(number);
        }
        // "-0.5" is negative and "0.5" positive; signs decide on the leading minus only
        return ref(rules.add(sign > 0 ? "number-nonneg" : "number-nonpos", seq(sign > 0 ? integer(1) : seq(text("-"), alt(text("0"), seq(chars('1', '9'), digits(0, MAX_DIGITS - 1)))), tail)));
    }

    Expr bool() {
        return ref(rules.add("boolean", alt(text("true"), text("false"))));
    }

    Expr nul() {
        return ref(rules.add("null", text("null")));
    }

    /** Any JSON value (objects and arrays nest without limit). */
    Expr value() {
        if (value == null) {
            value = rules.reserve("value");
            object = rules.reserve("object");
            array = rules.reserve("array");
            rules.define(value, alt(ref(object), ref(array), string(), number(0), text("true"), text("false"), text("null")));
            Expr member = seq(string(), ws(), text(":"), ws(), ref(value), ws());
            rules.define(object, seq(text("{"), ws(), opt(seq(member, star(seq(text(","), ws(), member)))), text("}")));
            Expr item = seq(ref(value), ws());
            rules.define(array, seq(text("["), ws(), opt(seq(item, star(seq(text(","), ws(), item)))), text("]")));
        }
        return ref(value);
    }

    /** Any JSON object. */
    Expr object() {
        value();
        return ref(object);
    }

    /** The compact JSON text of a plain Java value (Map, List, String, Number, Boolean, null). */
    static String literal(Object v) {
        StringBuilder sb = new StringBuilder();
        writeLiteral(sb, v);
        return sb.toString();
    }

    private static void writeLiteral(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Double d when d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15 -> sb.append(d.longValue()).append(".0");
            case Float f when f == Math.rint(f) && !f.isInfinite() && Math.abs(f) < 1e7 -> sb.append(f.longValue()).append(".0");
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    writeLiteral(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    writeLiteral(sb, l.get(i));
                }
                sb.append(']');
            }
            default -> throw new GrammarException("not a JSON value: " + v.getClass().getName());
        }
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped; everything else as is. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        quote(sb, s);
        return sb.toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
