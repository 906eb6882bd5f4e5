package hearth.engine.chat.parse;

/** Just enough JSON for tool-call arguments: quoting, and finding where a JSON value ends in a growing text. */
final class JsonText {
    private JsonText() {}

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Decodes the escapes of a JSON string body (without the quotes). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    /**
     * Index just past the JSON value starting at {@code from} (an object, array or string: bracket/quote matching;
     * a scalar: up to the next delimiter), or -1 when the text ends before the value does.
     */
    static int valueEnd(CharSequence s, int from) {
        if (from >= s.length()) return -1;
        char first = s.charAt(from);
        if (first != '{' && first != '[' && first != '"') {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == ',' || c == '}' || c == ']' || Character.isWhitespace(c)) return i;
            }
            return -1;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') {
                    inString = false;
                    if (depth == 0) return i + 1;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
        }
        return -1;
    }

    /** True if {@code s} (trimmed) is a complete JSON number, true/false/null, object or array. */
    static boolean isNonStringValue(String s) {
        String t = s.strip();
        if (t.isEmpty()) return false;
        if (t.equals("true") || t.equals("false") || t.equals("null")) return true;
        if (t.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) return true;
        char c = t.charAt(0);
        return (c == '{' || c == '[') && valueEnd(t, 0) == t.length();
    }

    /** True if {@code s} (trimmed) is one complete JSON value, strings included. */
    static boolean isValue(String s) {
        String t = s.strip();
        if (isNonStringValue(t)) return true;
        return t.length() >= 2 && t.charAt(0) == '"' && valueEnd(t, 0) == t.length();
    }

    /** A tool argument value as JSON: kept raw when it already is a non-string JSON value, else quoted. */
    static String argumentValue(String raw) {
        return isNonStringValue(raw) ? raw.strip() : quote(raw);
    }
}
