package hearth.engine.chat.jinja;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Jinja2's built-in tests ({@code x is defined}, {@code x is string}, {@code x is divisibleby 3}...). */
final class Tests {
    private Tests() {}

    private static final Set<String> NAMES = Set.of("defined", "undefined", "none", "boolean", "true", "false",
            "integer", "float", "number", "string", "mapping", "iterable", "sequence", "callable", "sameas", "escaped",
            "in", "odd", "even", "divisibleby", "lower", "upper", "eq", "equalto", "==", "ne", "!=", "lt", "lessthan",
            "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "filter", "test");

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static boolean apply(String name, Object v, List<Object> pos, Map<String, Object> kw) {
        Args a = new Args(name, pos, kw);
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "integer" -> Values.isInt(v);
            case "float" -> Values.isFloat(v);
            case "number" -> Values.isNumber(v);
            case "string" -> Values.isString(v);
            case "mapping" -> v instanceof Map;
            case "iterable" -> Values.iterable(v) || v instanceof LoopContext;
            case "sequence" -> Values.isString(v) || v instanceof List || v instanceof Map || v instanceof PyTuple
                    || v instanceof Undefined;
            case "callable" -> v instanceof PyCallable || v instanceof Undefined;
            case "sameas" -> sameAs(v, a.required(0, "other"));
            case "escaped" -> v instanceof Markup;
            case "in" -> Values.contains(a.required(0, "seq"), v);
            case "odd" -> integer(v) % 2 != 0;
            case "even" -> integer(v) % 2 == 0;
            case "divisibleby" -> integer(v) % integer(a.required(0, "num")) == 0;
            case "lower" -> isLower(Values.str(v));
            case "upper" -> isUpper(Values.str(v));
            case "eq", "equalto", "==" -> Values.pyEquals(v, a.required(0, "other"));
            case "ne", "!=" -> !Values.pyEquals(v, a.required(0, "other"));
            case "lt", "lessthan", "<" -> Operators.compare("<", v, a.required(0, "other"));
            case "le", "<=" -> Operators.compare("<=", v, a.required(0, "other"));
            case "gt", "greaterthan", ">" -> Operators.compare(">", v, a.required(0, "other"));
            case "ge", ">=" -> Operators.compare(">=", v, a.required(0, "other"));
            case "filter" -> Values.isString(v) && Filters.exists(Values.text(v));
            case "test" -> Values.isString(v) && exists(Values.text(v));
            default -> throw TemplateException.runtime("No test named '" + name + "'.");
        };
    }

    private static boolean sameAs(Object v, Object other) {
        if (v == null || other == null || v instanceof Boolean || other instanceof Boolean) return v == other;
        if (Values.isInt(v) && Values.isInt(other)) {
            long x = Values.toLong(v);
            return x == Values.toLong(other) && x >= -5 && x <= 256;  // CPython caches only these ints
        }
        return v == other;
    }

    private static long integer(Object v) {
        if (v instanceof Undefined u) throw u.error();
        if (!Values.isInt(v) && !(v instanceof Boolean)) {
            throw TemplateException.type("not all arguments converted during string formatting");
        }
        return Values.toLong(v);
    }

    /** Python {@code str.islower}: some cased character, none upper or title case. */
    static boolean isLower(String s) {
        boolean cased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) return false;
            if (Character.isLowerCase(cp)) cased = true;
        }
        return cased;
    }

    /** Python {@code str.isupper}. */
    static boolean isUpper(String s) {
        boolean cased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) return false;
            if (Character.isUpperCase(cp)) cased = true;
        }
        return cased;
    }
}
