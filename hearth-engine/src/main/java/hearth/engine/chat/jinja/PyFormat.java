package hearth.engine.chat.jinja;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python number/text formatting: float repr, printf-style {@code %}, {@code str.format}, {@code strftime}. */
final class PyFormat {
    private PyFormat() {}

    /** Python {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return 1 / d < 0 ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp10 = digits.length() - 1 - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (exp10 >= -4 && exp10 < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp10 < 0 ? "-" : "+") + (Math.abs(exp10) < 10 ? "0" : "") + Math.abs(exp10);
    }

    // ---------------------------------------------------------------- printf-style: "%s" % args

    /** Python {@code format % args}; args is a tuple/list of positional values or a dict for {@code %(name)s}. */
    static String percent(String format, Object args) {
        List<Object> positional = args instanceof PyTuple t ? t.items() : args instanceof Map ? List.of() : List.of(args);
        Map<?, ?> named = args instanceof Map<?, ?> m ? m : null;
        StringBuilder sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (++i >= format.length()) throw valueError("incomplete format");
            Object value = null;
            boolean haveValue = false;
            if (format.charAt(i) == '(') {
                int close = format.indexOf(')', i);
                if (close < 0 || named == null) throw TemplateException.type("format requires a mapping");
                value = Values.dictGet(named, format.substring(i + 1, close));
                haveValue = true;
                i = close + 1;
            }
            int specStart = i;
            while (i < format.length() && "-+ #0".indexOf(format.charAt(i)) >= 0) i++;
            String flags = format.substring(specStart, i);
            int widthStart = i;
            while (i < format.length() && Character.isDigit(format.charAt(i))) i++;
            int width = i > widthStart ? Integer.parseInt(format.substring(widthStart, i)) : -1;
            int precision = -1;
            if (i < format.length() && format.charAt(i) == '.') {
                int p = ++i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) i++;
                precision = i > p ? Integer.parseInt(format.substring(p, i)) : 0;
            }
            if (i >= format.length()) throw valueError("incomplete format");
            char type = format.charAt(i);
            if (type == '%') {
                sb.append('%');
                continue;
            }
            if (!haveValue) {
                if (next >= positional.size()) throw TemplateException.type("not enough arguments for format string");
                value = positional.get(next++);
            }
            String body = switch (type) {
                case 's' -> truncate(Values.str(value), precision);
                case 'r', 'a' -> truncate(Values.repr(value), precision);
                case 'd', 'i', 'u' -> signed(Long.toString(Math.abs(toInt(value))), toInt(value) < 0, flags);
                case 'x', 'X', 'o' -> {
                    long v = toInt(value);
                    String s = Long.toString(Math.abs(v), type == 'o' ? 8 : 16);
                    if (flags.contains("#")) s = (type == 'o' ? "0o" : "0x") + s;
                    yield signed(type == 'X' ? s.toUpperCase(Locale.ROOT) : s, v < 0, flags);
                }
                case 'f', 'F', 'e', 'E', 'g', 'G' -> {
                    double v = toFloat(value);
                    String s = fixedOrExp(Math.abs(v), type, precision < 0 ? 6 : precision);
                    yield signed(s, v < 0 || (v == 0 && 1 / v < 0), flags);
                }
                case 'c' -> value instanceof String s ? s : Character.toString((int) toInt(value));
                default -> throw valueError("unsupported format character '" + type + "'");
            };
            sb.append(pad(body, width, flags.contains("-") ? '<' : '>',
                    flags.contains("0") && "sra".indexOf(type) < 0 ? '0' : ' '));
        }
        if (named == null && next < positional.size()) {
            throw TemplateException.type("not all arguments converted during string formatting");
        }
        return sb.toString();
    }

    private static String truncate(String s, int precision) {
        return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
    }

    private static String signed(String digits, boolean negative, String flags) {
        if (negative) return "-" + digits;
        if (flags.contains("+")) return "+" + digits;
        if (flags.contains(" ")) return " " + digits;
        return digits;
    }

    private static String pad(String s, int width, char align, char fill) {
        int len = s.codePointCount(0, s.length());
        if (width <= len) return s;
        String padding = String.valueOf(fill).repeat(width - len);
        if (align == '<') return s + padding;
        if (align == '^') {
            int left = (width - len) / 2;
            return String.valueOf(fill).repeat(left) + s + String.valueOf(fill).repeat(width - len - left);
        }
        if (fill == '0' && !s.isEmpty() && "+- ".indexOf(s.charAt(0)) >= 0) return s.charAt(0) + padding + s.substring(1);
        return padding + s;
    }

    private static long toInt(Object v) {
        if (Values.isInt(v) || v instanceof Boolean) return Values.toLong(v);
        if (Values.isFloat(v)) return (long) Values.toDouble(v);
        throw TemplateException.type("%d format: a real number is required, not " + Values.typeName(v));
    }

    private static double toFloat(Object v) {
        if (Values.isNumber(v)) return Values.toDouble(v);
        throw TemplateException.type("must be real number, not " + Values.typeName(v));
    }

    /** Non-negative {@code v} in Python's f / e / g presentation. */
    private static String fixedOrExp(double v, char type, int precision) {
        if (Double.isNaN(v)) return Character.isUpperCase(type) ? "NAN" : "nan";
        if (Double.isInfinite(v)) return Character.isUpperCase(type) ? "INF" : "inf";
        switch (Character.toLowerCase(type)) {
            case 'f':
                return new BigDecimal(v).setScale(precision, java.math.RoundingMode.HALF_EVEN).toPlainString();
            case 'e': {
                String s = String.format(Locale.ROOT, "%." + precision + "e", v);
                return Character.isUpperCase(type) ? s.toUpperCase(Locale.ROOT) : s;
            }
            default: {
                int p = precision == 0 ? 1 : precision;
                if (v == 0) return "0";
                int exp = (int) Math.floor(Math.log10(new BigDecimal(v).round(new java.math.MathContext(p)).doubleValue()));
                String s;
                if (exp >= -4 && exp < p) {
                    s = new BigDecimal(v).setScale(Math.max(0, p - 1 - exp), java.math.RoundingMode.HALF_EVEN).toPlainString();
                    if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
                } else {
                    s = String.format(Locale.ROOT, "%." + (p - 1) + "e", v);
                    String m = s.substring(0, s.indexOf('e'));
                    if (m.contains(".")) m = m.replaceAll("0+$", "").replaceAll("\\.$", "");
                    s = m + s.substring(s.indexOf('e'));
                }
                return Character.isUpperCase(type) ? s.toUpperCase(Locale.ROOT) : s;
            }
        }
    }

    // ---------------------------------------------------------------- str.format

    /** Python {@code str.format(*args, **kwargs)} with auto/explicit indexes, names, {@code !r/!s} and format specs. */
    static String format(String fmt, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '}') {
                if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') i++;
                else throw valueError("Single '}' encountered in format string");
                sb.append('}');
                continue;
            }
            if (c != '{') {
                sb.append(c);
                continue;
            }
            if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
                continue;
            }
            int close = fmt.indexOf('}', i);
            if (close < 0) throw valueError("Single '{' encountered in format string");
            String field = fmt.substring(i + 1, close);
            i = close;
            String spec = "";
            int colon = field.indexOf(':');
            if (colon >= 0) {
                spec = field.substring(colon + 1);
                field = field.substring(0, colon);
            }
            char conversion = 0;
            int bang = field.indexOf('!');
            if (bang >= 0) {
                conversion = field.length() > bang + 1 ? field.charAt(bang + 1) : 0;
                field = field.substring(0, bang);
            }
            String head = field.split("[.\\[]", 2)[0];
            Object value;
            if (head.isEmpty()) {
                if (auto >= args.size()) throw new TemplateException(TemplateException.Kind.RUNTIME, "Replacement index " + auto + " out of range for positional args tuple");
                value = args.get(auto++);
            } else if (head.chars().allMatch(Character::isDigit)) {
                int idx = Integer.parseInt(head);
                if (idx >= args.size()) throw new TemplateException(TemplateException.Kind.RUNTIME, "Replacement index " + idx + " out of range for positional args tuple");
                value = args.get(idx);
            } else {
                if (!kwargs.containsKey(head)) throw new TemplateException(TemplateException.Kind.RUNTIME, "KeyError: " + PyStrings.repr(head));
                value = kwargs.get(head);
            }
            String rest = field.substring(head.length());
            while (!rest.isEmpty()) {
                if (rest.startsWith(".")) {
                    int end = indexOfAny(rest, 1);
                    value = Access.getAttr(value, rest.substring(1, end));
                    rest = rest.substring(end);
                } else {
                    int end = rest.indexOf(']');
                    String key = rest.substring(1, end);
                    value = Access.getItem(value, key.chars().allMatch(Character::isDigit) && !key.isEmpty() ? (Object) Long.parseLong(key) : key);
                    rest = rest.substring(end + 1);
                }
            }
            if (conversion == 'r') value = Values.repr(value);
            else if (conversion == 's') value = Values.str(value);
            sb.append(formatSpec(value, spec));
        }
        return sb.toString();
    }

    private static int indexOfAny(String s, int from) {
        for (int i = from; i < s.length(); i++) if (s.charAt(i) == '.' || s.charAt(i) == '[') return i;
        return s.length();
    }

    /** Python {@code format(value, spec)} for [[fill]align][sign][#][0][width][,][.precision][type]. */
    static String formatSpec(Object value, String spec) {
        if (spec.isEmpty()) return Values.str(value);
        int i = 0;
        char fill = ' ';
        char align = 0;
        if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if ("<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        String sign = "";
        if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) sign = String.valueOf(spec.charAt(i++));
        if (i < spec.length() && spec.charAt(i) == '#') i++;
        if (i < spec.length() && spec.charAt(i) == '0') {
            if (align == 0) {
                fill = '0';
                align = '=';
            }
            i++;
        }
        int ws = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
        int width = i > ws ? Integer.parseInt(spec.substring(ws, i)) : -1;
        boolean grouping = i < spec.length() && spec.charAt(i) == ',';
        if (grouping) i++;
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            int ps = ++i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
            precision = Integer.parseInt(spec.substring(ps, i));
        }
        char type = i < spec.length() ? spec.charAt(i) : 0;
        String body;
        boolean numeric = Values.isNumber(value);
        if (!numeric) {
            if (type != 0 && type != 's') throw valueError("Unknown format code '" + type + "' for object of type '" + Values.typeName(value) + "'");
            body = truncate(Values.str(value), precision);
            if (align == 0) align = '<';
        } else {
            boolean negative = Values.toDouble(value) < 0;
            String digits;
            if (type == 0 && (Values.isInt(value) || value instanceof Boolean) && precision < 0) {
                digits = Long.toString(Math.abs(Values.toLong(value)));
            } else if (type == 'd') {
                if (Values.isFloat(value)) throw valueError("Unknown format code 'd' for object of type 'float'");
                digits = Long.toString(Math.abs(Values.toLong(value)));
            } else if (type == 'x' || type == 'X' || type == 'o' || type == 'b') {
                digits = Long.toString(Math.abs(Values.toLong(value)), type == 'o' ? 8 : type == 'b' ? 2 : 16);
                if (type == 'X') digits = digits.toUpperCase(Locale.ROOT);
            } else if (type == '%') {
                digits = fixedOrExp(Math.abs(Values.toDouble(value)) * 100, 'f', precision < 0 ? 6 : precision) + "%";
            } else if (type == 0 && precision < 0) {
                digits = floatRepr(Math.abs(Values.toDouble(value)));
            } else {
                digits = fixedOrExp(Math.abs(Values.toDouble(value)), type == 0 ? 'g' : type, precision < 0 ? 6 : precision);
            }
            if (grouping) digits = group(digits);
            String signText = negative ? "-" : sign.equals("+") ? "+" : sign.equals(" ") ? " " : "";
            if (align == '=') {
                int len = signText.length() + digits.length();
                return signText + (width > len ? String.valueOf(fill).repeat(width - len) : "") + digits;
            }
            body = signText + digits;
            if (align == 0) align = '>';
        }
        return pad(body, width, align, fill);
    }

    private static String group(String digits) {
        int dot = digits.indexOf('.');
        String intPart = dot < 0 ? digits : digits.substring(0, dot);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < intPart.length(); k++) {
            if (k > 0 && (intPart.length() - k) % 3 == 0) sb.append(',');
            sb.append(intPart.charAt(k));
        }
        return sb + (dot < 0 ? "" : digits.substring(dot));
    }

    // ---------------------------------------------------------------- strftime

    /** C/Python {@code strftime} for a naive local time (%Z and %z are empty), including glibc's {@code %-d} form. */
    static String strftime(String fmt, LocalDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            boolean noPad = false;
            if (d == '-' && i + 1 < fmt.length()) {
                noPad = true;
                d = fmt.charAt(++i);
            }
            int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
            String s = switch (d) {
                case 'Y' -> Integer.toString(t.getYear());
                case 'y' -> two(t.getYear() % 100, noPad);
                case 'm' -> two(t.getMonthValue(), noPad);
                case 'd' -> two(t.getDayOfMonth(), noPad);
                case 'e' -> noPad ? Integer.toString(t.getDayOfMonth()) : String.format("%2d", t.getDayOfMonth());
                case 'H' -> two(t.getHour(), noPad);
                case 'I' -> two(hour12, noPad);
                case 'M' -> two(t.getMinute(), noPad);
                case 'S' -> two(t.getSecond(), noPad);
                case 'f' -> String.format("%06d", t.getNano() / 1000);
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'j' -> noPad ? Integer.toString(t.getDayOfYear()) : String.format("%03d", t.getDayOfYear());
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
                case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
                case 'U' -> two((t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7, noPad);
                case 'W' -> two((t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7, noPad);
                case 'V' -> two(t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR), noPad);
                case 'G' -> Integer.toString(t.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR));
                case 'C' -> two(t.getYear() / 100, noPad);
                case 'D' -> strftime("%m/%d/%y", t);
                case 'F' -> strftime("%Y-%m-%d", t);
                case 'T' -> strftime("%H:%M:%S", t);
                case 'R' -> strftime("%H:%M", t);
                case 'c' -> strftime("%a %b %e %H:%M:%S %Y", t);
                case 'x' -> strftime("%m/%d/%y", t);
                case 'X' -> strftime("%H:%M:%S", t);
                case 's' -> Long.toString(t.toEpochSecond(java.time.ZoneOffset.UTC));
                case 'n' -> "\n";
                case 't' -> "\t";
                case 'Z', 'z' -> "";
                case '%' -> "%";
                default -> "%" + (noPad ? "-" : "") + d;
            };
            sb.append(s);
        }
        return sb.toString();
    }

    private static String two(long v, boolean noPad) {
        return noPad || v >= 10 ? Long.toString(v) : "0" + v;
    }

    private static TemplateException valueError(String message) {
        return new TemplateException(TemplateException.Kind.VALUE_ERROR, message);
    }
}
