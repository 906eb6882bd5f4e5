package hearth.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python arithmetic and ordering on template values, with Python's TypeError messages. */
final class Operators {
    private Operators() {}

    static Object binary(String op, Object a, Object b) {
        if (op.equals("%") && Values.isString(a)) return PyFormat.percent(Values.text(a), b);
        if (a instanceof Undefined u) throw u.error();
        if (b instanceof Undefined u) throw u.error();
        return switch (op) {
            case "+" -> add(a, b);
            case "-" -> arith(op, a, b);
            case "*" -> multiply(a, b);
            case "/" -> divide(a, b);
            case "//" -> floorDivide(a, b);
            case "%" -> modulo(a, b);
            case "**" -> power(a, b);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static boolean intLike(Object o) {
        return Values.isInt(o) || o instanceof Boolean;
    }

    private static TemplateException unsupported(String op, Object a, Object b) {
        return TemplateException.type("unsupported operand type(s) for " + op + ": '" + Values.typeName(a) + "' and '"
                + Values.typeName(b) + "'");
    }

    private static Object add(Object a, Object b) {
        if (Values.isNumber(a) && Values.isNumber(b)) return arith("+", a, b);
        if (a instanceof Markup m && Values.isString(b)) return new Markup(m.text() + Markup.escape(b).text());
        if (b instanceof Markup m && Values.isString(a)) return new Markup(Markup.escape(a).text() + m.text());
        if (a instanceof String x && b instanceof String y) return x + y;
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        if (a instanceof PyTuple x && b instanceof PyTuple y) {
            List<Object> out = new ArrayList<>(x.items());
            out.addAll(y.items());
            return new PyTuple(out);
        }
        String seq = Values.isString(a) ? "str" : a instanceof List ? "list" : a instanceof PyTuple ? "tuple" : null;
        if (seq != null) {
            throw TemplateException.type("can only concatenate " + seq + " (not \"" + Values.typeName(b) + "\") to " + seq);
        }
        throw unsupported("+", a, b);
    }

    /** + - on two numbers: int when both are int-like, else float. */
    private static Object arith(String op, Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) throw unsupported(op, a, b);
        if (intLike(a) && intLike(b)) {
            long x = Values.toLong(a);
            long y = Values.toLong(b);
            return exact(() -> op.equals("+") ? Math.addExact(x, y) : Math.subtractExact(x, y));
        }
        double x = Values.toDouble(a);
        double y = Values.toDouble(b);
        return op.equals("+") ? x + y : x - y;
    }

    /** Python ints are unbounded; ours are 64-bit, so a result that does not fit is refused rather than wrapped. */
    private static long exact(java.util.function.LongSupplier op) {
        try {
            return op.getAsLong();
        } catch (ArithmeticException e) {
            throw new TemplateException(TemplateException.Kind.OVERFLOW, "integer result does not fit in 64 bits");
        }
    }

    private static Object multiply(Object a, Object b) {
        if (Values.isNumber(a) && Values.isNumber(b)) {
            if (intLike(a) && intLike(b)) return exact(() -> Math.multiplyExact(Values.toLong(a), Values.toLong(b)));
            return Values.toDouble(a) * Values.toDouble(b);
        }
        if (intLike(a) && !Values.isNumber(b)) return multiply(b, a);
        if (Values.isString(a) || a instanceof List || a instanceof PyTuple) {
            if (!intLike(b)) {
                throw TemplateException.type("can't multiply sequence by non-int of type '" + Values.typeName(b) + "'");
            }
            int times = (int) Math.max(0, Values.toLong(b));
            return switch (a) {
                case String s -> s.repeat(times);
                case Markup m -> new Markup(m.text().repeat(times));
                case List<?> l -> repeat(l, times);
                default -> new PyTuple(repeat(((PyTuple) a).items(), times));
            };
        }
        throw unsupported("*", a, b);
    }

    private static List<Object> repeat(List<?> items, int times) {
        List<Object> out = new ArrayList<>(items.size() * times);
        for (int i = 0; i < times; i++) out.addAll(items);
        return out;
    }

    private static Object divide(Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) throw unsupported("/", a, b);
        double y = Values.toDouble(b);
        if (y == 0) throw new TemplateException(TemplateException.Kind.ZERO_DIVISION, "division by zero");
        return Values.toDouble(a) / y;
    }

    private static Object floorDivide(Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) throw unsupported("//", a, b);
        if (intLike(a) && intLike(b)) {
            long y = Values.toLong(b);
            if (y == 0) throw new TemplateException(TemplateException.Kind.ZERO_DIVISION, "integer division or modulo by zero");
            return Math.floorDiv(Values.toLong(a), y);
        }
        double y = Values.toDouble(b);
        if (y == 0) throw new TemplateException(TemplateException.Kind.ZERO_DIVISION, "float floor division by zero");
        return Math.floor(Values.toDouble(a) / y);
    }

    private static Object modulo(Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) throw unsupported("%", a, b);
        if (intLike(a) && intLike(b)) {
            long y = Values.toLong(b);
            if (y == 0) throw new TemplateException(TemplateException.Kind.ZERO_DIVISION, "integer modulo by zero");
            return Math.floorMod(Values.toLong(a), y);
        }
        double y = Values.toDouble(b);
        if (y == 0) throw new TemplateException(TemplateException.Kind.ZERO_DIVISION, "float modulo");
        double r = Values.toDouble(a) % y;
        if (r != 0 && (r < 0) != (y < 0)) r += y;
        return r;
    }

    private static Object power(Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) throw unsupported("** or pow()", a, b);
        if (intLike(a) && intLike(b) && Values.toLong(b) >= 0) {
            long base = Values.toLong(a);
            long exponent = Values.toLong(b);
            return exact(() -> {
                long result = 1;
                long square = base;
                for (long e = exponent; e > 0; ) {
                    if ((e & 1) == 1) result = Math.multiplyExact(result, square);
                    e >>= 1;
                    if (e > 0) square = Math.multiplyExact(square, square);
                }
                return result;
            });
        }
        return Math.pow(Values.toDouble(a), Values.toDouble(b));
    }

    static Object negate(Object v, String op) {
        if (v instanceof Undefined u) throw u.error();
        if (intLike(v)) return op.equals("-") ? -Values.toLong(v) : Values.toLong(v);
        if (Values.isFloat(v)) return op.equals("-") ? -Values.toDouble(v) : Values.toDouble(v);
        throw TemplateException.type("bad operand type for unary " + op + ": '" + Values.typeName(v) + "'");
    }

    /** Python {@code a OP b} for {@code == != < <= > >= in notin}. */
    static boolean compare(String op, Object a, Object b) {
        return switch (op) {
            case "==" -> Values.pyEquals(a, b);
            case "!=" -> !Values.pyEquals(a, b);
            case "in" -> Values.contains(b, a);
            case "notin" -> !Values.contains(b, a);
            default -> {
                int c = order(op, a, b);
                yield switch (op) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
        };
    }

    /** Ordering of two values Python can order (numbers, strings by code point, lists/tuples lexicographically). */
    static int order(String op, Object a, Object b) {
        if (a instanceof Undefined u) throw u.error();
        if (b instanceof Undefined u) throw u.error();
        if (Values.isNumber(a) && Values.isNumber(b)) {
            if (intLike(a) && intLike(b)) return Long.compare(Values.toLong(a), Values.toLong(b));
            return Double.compare(Values.toDouble(a), Values.toDouble(b));
        }
        if (Values.isString(a) && Values.isString(b)) return compareCodePoints(Values.text(a), Values.text(b));
        List<?> x = a instanceof List<?> l ? l : a instanceof PyTuple t ? t.items() : null;
        List<?> y = b instanceof List<?> l ? l : b instanceof PyTuple t ? t.items() : null;
        if (x != null && y != null && (a instanceof List) == (b instanceof List)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!Values.pyEquals(x.get(i), y.get(i))) return order(op, x.get(i), y.get(i));
            }
            return Integer.compare(x.size(), y.size());
        }
        throw TemplateException.type("'" + op + "' not supported between instances of '" + Values.typeName(a)
                + "' and '" + Values.typeName(b) + "'");
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) return Integer.compare(x, y);
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
