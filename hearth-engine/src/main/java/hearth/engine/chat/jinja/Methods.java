package hearth.engine.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Python methods of str, dict, list and tuple that templates call ({@code s.split(',')}, {@code d.get(k)}...). */
final class Methods {
    private Methods() {}

    static Object call(Object self, String name, List<Object> pos, Map<String, Object> kw) {
        Args a = new Args(name, pos, kw);
        return switch (self) {
            case String s -> str(s, name, a);
            case Markup m -> str(m.text(), name, a);
            case Map<?, ?> m -> dict(m, name, a);
            case List<?> l -> sequence(l, name, a, "list");
            case PyTuple t -> sequence(t.items(), name, a, "tuple");
            default -> throw TemplateException.type("'" + Values.typeName(self) + "' object has no method " + name);
        };
    }

    private static Object dict(Map<?, ?> m, String name, Args a) {
        return switch (name) {
            case "get" -> {
                a.atMost(2);
                Object key = a.required(0, "key");
                yield Values.hasKey(m, key) ? Values.dictGet(m, key) : a.get(1, "default", null);
            }
            case "items" -> {
                a.atMost(0);
                List<Object> items = new ArrayList<>();
                m.forEach((k, v) -> items.add(PyTuple.of(k, v)));
                yield new DictView("dict_items", items);
            }
            case "keys" -> {
                a.atMost(0);
                yield new DictView("dict_keys", new ArrayList<>(m.keySet()));
            }
            case "values" -> {
                a.atMost(0);
                yield new DictView("dict_values", new ArrayList<>(m.values()));
            }
            case "copy" -> {
                a.atMost(0);
                yield new LinkedHashMap<>(m);
            }
            default -> throw TemplateException.type("dict." + name + " is not supported");
        };
    }

    private static Object sequence(List<?> l, String name, Args a, String type) {
        return switch (name) {
            case "count" -> {
                a.atMost(1);
                Object x = a.required(0, "value");
                yield l.stream().filter(e -> Values.pyEquals(e, x)).count();
            }
            case "index" -> {
                Object x = a.required(0, "value");
                for (int i = 0; i < l.size(); i++) if (Values.pyEquals(l.get(i), x)) yield (long) i;
                throw new TemplateException(TemplateException.Kind.VALUE_ERROR, type + ".index(x): x not in " + type);
            }
            case "copy" -> new ArrayList<>(l);
            default -> throw TemplateException.type(type + "." + name + " is not supported");
        };
    }

    private static Object str(String s, String name, Args a) {
        return switch (name) {
            case "startswith", "endswith" -> affix(s, name.equals("startswith"), a);
            case "strip" -> PyStrings.strip(s, a.optString(0, "chars"));
            case "lstrip" -> PyStrings.lstrip(s, a.optString(0, "chars"));
            case "rstrip" -> PyStrings.rstrip(s, a.optString(0, "chars"));
            case "split" -> PyStrings.split(s, a.optString(0, "sep"), a.integer(1, "maxsplit", -1));
            case "rsplit" -> PyStrings.rsplit(s, a.optString(0, "sep"), a.integer(1, "maxsplit", -1));
            case "splitlines" -> new ArrayList<Object>(PyStrings.splitlines(s, Values.truthy(a.get(0, "keepends", false))));
            case "upper" -> PyStrings.upper(s);
            case "lower", "casefold" -> PyStrings.lower(s);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "swapcase" -> swapcase(s);
            case "replace" -> PyStrings.replace(s, a.string(0, "old"), a.string(1, "new"), a.integer(2, "count", -1));
            case "find", "index" -> find(s, a, false, name.equals("index"));
            case "rfind", "rindex" -> find(s, a, true, name.equals("rindex"));
            case "count" -> {
                String sub = a.string(0, "sub");
                if (sub.isEmpty()) yield (long) s.codePointCount(0, s.length()) + 1;
                long n = 0;
                for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
                yield n;
            }
            case "join" -> join(s, a.required(0, "iterable"));
            case "format" -> PyFormat.format(s, a.positional(), a.keywords());
            case "center" -> PyStrings.center(s, a.integer(0, "width", 0), fill(a));
            case "ljust", "rjust" -> {
                long width = a.integer(0, "width", 0);
                long len = s.codePointCount(0, s.length());
                String pad = width > len ? fill(a).repeat((int) (width - len)) : "";
                yield name.equals("ljust") ? s + pad : pad + s;
            }
            case "zfill" -> {
                long width = a.integer(0, "width", 0);
                int len = s.codePointCount(0, s.length());
                if (width <= len) yield s;
                String zeros = "0".repeat((int) (width - len));
                yield !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
            }
            case "partition", "rpartition" -> {
                String sep = a.string(0, "sep");
                int at = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (at < 0) yield name.equals("partition") ? PyTuple.of(s, "", "") : PyTuple.of("", "", s);
                yield PyTuple.of(s.substring(0, at), sep, s.substring(at + sep.length()));
            }
            case "removeprefix" -> {
                String p = a.string(0, "prefix");
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = a.string(0, "suffix");
                yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            case "isdigit", "isdecimal", "isnumeric" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> PyStrings.isAllSpace(s);
            case "isascii" -> s.chars().allMatch(c -> c < 128);
            case "islower" -> Tests.isLower(s);
            case "isupper" -> Tests.isUpper(s);
            case "istitle" -> !s.isEmpty() && s.equals(PyStrings.title(s)) && s.codePoints().anyMatch(Character::isLetter);
            case "isidentifier" -> !s.isEmpty() && Character.isUnicodeIdentifierStart(s.codePointAt(0))
                    && s.codePoints().allMatch(c -> c == '_' || Character.isUnicodeIdentifierPart(c));
            case "isprintable" -> s.codePoints().allMatch(PyStrings::isPrintable);
            default -> throw TemplateException.type("str." + name + " is not supported");
        };
    }

    private static String fill(Args a) {
        String f = a.optString(1, "fillchar");
        if (f == null) return " ";
        if (f.codePointCount(0, f.length()) != 1) {
            throw TemplateException.type("The fill character must be exactly one character long");
        }
        return f;
    }

    private static String swapcase(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(Character.isUpperCase(cp) ? PyStrings.lower(Character.toString(cp))
                : Character.isLowerCase(cp) ? PyStrings.upper(Character.toString(cp)) : Character.toString(cp)));
        return sb.toString();
    }

    private static boolean affix(String s, boolean prefix, Args a) {
        Object what = a.required(0, prefix ? "prefix" : "suffix");
        List<Object> chars = PyStrings.chars(s);
        long n = chars.size();
        long start = a.has(1, "start") && a.get(1, "start", null) != null ? a.integer(1, "start", 0) : 0;
        long end = a.has(2, "end") && a.get(2, "end", null) != null ? a.integer(2, "end", n) : n;
        if (start < 0) start = Math.max(0, start + n);
        if (end < 0) end = Math.max(0, end + n);
        end = Math.min(end, n);
        if (start > n) return false;
        String window = start >= end ? "" : String.join("", chars.subList((int) start, (int) end).stream().map(String.class::cast).toList());
        List<Object> candidates = what instanceof PyTuple t ? t.items() : List.of(what);
        for (Object c : candidates) {
            if (!Values.isString(c)) {
                throw TemplateException.type((prefix ? "startswith" : "endswith")
                        + " first arg must be str or a tuple of str, not " + Values.typeName(c));
            }
            String t = Values.text(c);
            if (start > end && !t.isEmpty()) continue;
            if (prefix ? window.startsWith(t) : window.endsWith(t)) return true;
        }
        return false;
    }

    private static long find(String s, Args a, boolean last, boolean raise) {
        String sub = a.string(0, "sub");
        int at = last ? s.lastIndexOf(sub) : s.indexOf(sub);
        if (at < 0) {
            if (raise) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "substring not found");
            return -1;
        }
        return s.codePointCount(0, at);
    }

    private static String join(String sep, Object iterable) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (var it = Values.iterate(iterable); it.hasNext(); i++) {
            Object item = it.next();
            if (!Values.isString(item)) {
                throw TemplateException.type("sequence item " + i + ": expected str instance, "
                        + Values.typeName(item) + " found");
            }
            if (i > 0) sb.append(sep);
            sb.append(Values.text(item));
        }
        return sb.toString();
    }
}
