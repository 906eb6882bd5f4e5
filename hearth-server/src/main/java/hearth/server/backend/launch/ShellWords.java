package hearth.server.backend.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** POSIX shell quoting for printing command lines, and splitting of {@code extra-args} strings. */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {}

    /** {@code arg} as a shell would need it typed: bare when safe, else in single quotes. */
    public static String quote(String arg) {
        if (!arg.isEmpty() && SAFE.matcher(arg).matches()) return arg;
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) sb.append(sb.isEmpty() ? "" : " ").append(quote(a));
        return sb.toString();
    }

    /**
     * Splits like a shell without expansions: whitespace separates words, single quotes keep everything, double
     * quotes keep everything but {@code \"} and {@code \\}, a backslash outside quotes escapes the next character.
     */
    public static List<String> split(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) throw new IllegalArgumentException("unclosed ' in: " + s);
                w.append(s, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i = doubleQuoted(s, i + 1, w);
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(w.toString());
        return words;
    }

    /** Appends a double-quoted part starting at {@code from}; returns the index of the closing quote. */
    private static int doubleQuoted(String s, int from, StringBuilder w) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') return i;
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) c = s.charAt(++i);
            w.append(c);
        }
        throw new IllegalArgumentException("unclosed \" in: " + s);
    }
}
