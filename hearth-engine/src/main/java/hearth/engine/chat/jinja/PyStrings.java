package hearth.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python {@code str} algorithms on Java strings: whitespace, strip, split, splitlines, title, repr... */
final class PyStrings {
    private PyStrings() {}

    /** Python {@code str.isspace} for one code point. */
    static boolean isSpace(int cp) {
        return switch (cp) {
            case ' ', '\t', '\n', 0x0b, '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f,
                 0x205f, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200a;
        };
    }

    static boolean isAllSpace(String s) {
        if (s.isEmpty()) return false;
        return s.codePoints().allMatch(PyStrings::isSpace);
    }

    /** The code points of {@code s}, each as a one-character string (what iterating a Python str yields). */
    static List<Object> chars(String s) {
        List<Object> out = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.indexOf(Character.toString(cp)) >= 0;
    }

    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!stripped(cp, chars)) break;
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!stripped(cp, chars)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Python {@code str.split(sep, maxsplit)}; sep null splits on whitespace runs. */
    static List<Object> split(String s, String sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                if (i >= n) break;
                if (maxsplit >= 0 && out.size() >= maxsplit) {
                    out.add(s.substring(i));
                    break;
                }
                int start = i;
                while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                out.add(s.substring(start, i));
            }
            return out;
        }
        if (sep.isEmpty()) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "empty separator");
        int start = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int at = s.indexOf(sep, start);
            if (at < 0) break;
            out.add(s.substring(start, at));
            start = at + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    /** Python {@code str.rsplit(sep, maxsplit)}. */
    static List<Object> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) return split(s, sep, -1);
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int end = s.length();
            while (true) {
                while (end > 0 && isSpace(s.codePointBefore(end))) end -= Character.charCount(s.codePointBefore(end));
                if (end <= 0) break;
                if (out.size() >= maxsplit) {
                    out.addFirst(s.substring(0, end));
                    break;
                }
                int stop = end;
                while (end > 0 && !isSpace(s.codePointBefore(end))) end -= Character.charCount(s.codePointBefore(end));
                out.addFirst(s.substring(end, stop));
            }
            return out;
        }
        if (sep.isEmpty()) throw new TemplateException(TemplateException.Kind.VALUE_ERROR, "empty separator");
        int end = s.length();
        while (out.size() < maxsplit) {
            int at = s.lastIndexOf(sep, end - sep.length());
            if (at < 0) break;
            out.addFirst(s.substring(at + sep.length(), end));
            end = at;
        }
        out.addFirst(s.substring(0, end));
        return out;
    }

    private static boolean isLineBreak(char c) {
        return switch (c) {
            case '\n', '\r', 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029 -> true;
            default -> false;
        };
    }

    /** Python {@code str.splitlines(keepends)}. */
    static List<String> splitlines(String s, boolean keepends) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!isLineBreak(c)) {
                i++;
                continue;
            }
            int eol = i + (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1);
            out.add(s.substring(start, keepends ? eol : i));
            start = eol;
            i = eol;
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
    }

    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    /** Python {@code str.title()}: a letter after a cased letter is lowered, any other letter title-cased. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            sb.append(previousCased ? lower(Character.toString(cp)) : titleCase(cp));
            previousCased = isCased(cp);
        }
        return sb.toString();
    }

    private static String titleCase(int cp) {
        String up = upper(Character.toString(cp));
        return up.codePointCount(0, up.length()) == 1 ? Character.toString(Character.toTitleCase(cp)) : up;
    }

    /** Python {@code str.capitalize()}: first character title-cased, the rest lowered. */
    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int cp = s.codePointAt(0);
        return titleCase(cp) + lower(s.substring(Character.charCount(cp)));
    }

    static String upper(String s) {
        return s.toUpperCase(java.util.Locale.ROOT);
    }

    static String lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    /** Python {@code str.center(width, fill)} (CPython puts the odd extra space on the left for odd widths). */
    static String center(String s, long width, String fill) {
        long len = s.codePointCount(0, s.length());
        if (width <= len) return s;
        long marg = width - len;
        long left = marg / 2 + (marg & width & 1);
        return fill.repeat((int) left) + s + fill.repeat((int) (marg - left));
    }

    /** Python {@code str.replace(old, new, count)}; count &lt; 0 replaces all. */
    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) return s.replace(old, replacement);
        StringBuilder sb = new StringBuilder();
        if (old.isEmpty()) {
            List<Object> cs = chars(s);
            long done = 0;
            for (Object c : cs) {
                if (done < count) {
                    sb.append(replacement);
                    done++;
                }
                sb.append(c);
            }
            if (done < count) sb.append(replacement);
            return sb.toString();
        }
        int start = 0;
        for (long done = 0; done < count; done++) {
            int at = s.indexOf(old, start);
            if (at < 0) break;
            sb.append(s, start, at).append(replacement);
            start = at + old.length();
        }
        return sb.append(s.substring(start)).toString();
    }

    /** Python {@code repr(str)}: single quotes unless the text has ' and no ", escapes for non-printables. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') sb.append('\\').appendCodePoint(cp);
            else if (cp == '\n') sb.append("\\n");
            else if (cp == '\r') sb.append("\\r");
            else if (cp == '\t') sb.append("\\t");
            else if (isPrintable(cp)) sb.appendCodePoint(cp);
            else if (cp <= 0xff) sb.append(String.format("\\x%02x", cp));
            else if (cp <= 0xffff) sb.append(String.format("\\u%04x", cp));
            else sb.append(String.format("\\U%08x", cp));
        }
        return sb.append(quote).toString();
    }

    /** Python {@code str.isprintable} for one code point. */
    static boolean isPrintable(int cp) {
        if (cp == ' ') return true;
        if (cp < 0x20 || cp == 0x7f) return false;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
