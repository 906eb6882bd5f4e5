package hearth.engine.chat.jinja;

import hearth.engine.chat.jinja.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Splits template source into tokens the way Jinja2's lexer does, including its whitespace rules:
 * {@code {%- -%}} / {@code {{- -}}} / {@code {#- -#}} strip all whitespace on that side, {@code trim_blocks} drops the
 * first newline after a block or comment tag, {@code lstrip_blocks} drops spaces and tabs between the start of a line
 * and a block or comment tag ({@code {%+} opts out). Newlines are normalised to {@code \n} and one trailing newline of
 * the source is dropped (Jinja2's {@code keep_trailing_newline=False}). Comments vanish; {@code raw} blocks become text.
 */
final class Lexer {
    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "<", ">", "=", ".", ":", "|", ",", ";"
    };

    private final String src;
    private final boolean trimBlocks;
    private final boolean lstripBlocks;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** Whether the text consumed last ended with a newline (Jinja2 applies lstrip at template start too). */
    private boolean lineStarting = true;

    Lexer(String source, boolean trimBlocks, boolean lstripBlocks) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        this.src = s;
        this.trimBlocks = trimBlocks;
        this.lstripBlocks = lstripBlocks;
    }

    List<Token> tokenize() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                emitText(src.substring(pos));
                pos = src.length();
                break;
            }
            char kind = src.charAt(tag + 1);
            char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            boolean hasSign = sign == '-' || sign == '+';
            String text = src.substring(pos, tag);
            if (sign == '-') {
                text = PyStrings.rstrip(text, null);
            } else if (sign != '+' && lstripBlocks && kind != '{') {
                int lineStart = text.lastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && lineStart < text.length()
                        && PyStrings.isAllSpace(text.substring(lineStart))) {
                    text = text.substring(0, lineStart);
                }
            }
            emitText(text);
            line += countNewlines(src, pos, tag);
            pos = tag + 2 + (hasSign ? 1 : 0);
            lineStarting = false;
            switch (kind) {
                case '#' -> comment();
                case '{' -> tag(Type.VAR_BEGIN, Type.VAR_END, "}}");
                default -> {
                    if (!rawBlock()) tag(Type.BLOCK_BEGIN, Type.BLOCK_END, "%}");
                }
            }
        }
        out.add(new Token(Type.EOF, "", line));
        return out;
    }

    private int nextTagStart(int from) {
        int i = src.indexOf('{', from);
        while (i >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '%' || c == '{' || c == '#') return i;
            i = src.indexOf('{', i + 1);
        }
        return -1;
    }

    private void emitText(String text) {
        if (!text.isEmpty()) out.add(new Token(Type.TEXT, text, line));
    }

    /** Consumes a block/comment end at {@code pos}: {@code +END}, {@code -END} plus whitespace, or END plus one newline. */
    private boolean blockEnd(String end) {
        if (src.startsWith("+" + end, pos)) {
            pos += 1 + end.length();
            lineStarting = false;
            return true;
        }
        if (src.startsWith("-" + end, pos)) {
            pos += 1 + end.length();
            int start = pos;
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) pos++;
            line += countNewlines(src, start, pos);
            lineStarting = pos > start && src.charAt(pos - 1) == '\n';
            return true;
        }
        if (src.startsWith(end, pos)) {
            pos += end.length();
            lineStarting = false;
            if (trimBlocks && pos < src.length() && src.charAt(pos) == '\n') {
                pos++;
                line++;
                lineStarting = true;
            }
            return true;
        }
        return false;
    }

    private void comment() {
        int start = pos;
        while (pos < src.length()) {
            if (blockEnd("#}")) {
                line += countNewlines(src, start, pos);
                return;
            }
            pos++;
        }
        throw TemplateException.syntax("Missing end of comment tag", line);
    }

    /** {@code {% raw %}...{% endraw %}}: everything in between is text. Returns false when the tag is not raw. */
    private boolean rawBlock() {
        int p = skipSpace(pos);
        if (!src.startsWith("raw", p)) return false;
        p = skipSpace(p + 3);
        int bodyStart;
        if (src.startsWith("-%}", p)) bodyStart = skipSpace(p + 3);
        else if (src.startsWith("%}", p)) bodyStart = p + 2;
        else return false;
        int search = bodyStart;
        while (true) {
            int tag = src.indexOf("{%", search);
            if (tag < 0) throw TemplateException.syntax("Missing end of raw directive", line);
            char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            int q = skipSpace(tag + 2 + (sign == '-' || sign == '+' ? 1 : 0));
            if (src.startsWith("endraw", q)) {
                pos = skipSpace(q + 6);
                String text = src.substring(bodyStart, tag);
                if (sign == '-') {
                    text = PyStrings.rstrip(text, null);
                } else if (sign != '+' && lstripBlocks) {
                    int lineStart = text.lastIndexOf('\n') + 1;
                    if (lineStart > 0 && PyStrings.isAllSpace(text.substring(lineStart))) {
                        text = text.substring(0, lineStart);
                    }
                }
                emitText(text);
                int before = pos;
                if (!blockEnd("%}")) throw TemplateException.syntax("Missing end of raw directive", line);
                line += countNewlines(src, bodyStart, before);
                return true;
            }
            search = tag + 2;
        }
    }

    private int skipSpace(int p) {
        while (p < src.length() && PyStrings.isSpace(src.charAt(p))) p++;
        return p;
    }

    /** Tokens inside {@code {{ }}} or {@code {% %}} up to the matching end delimiter. */
    private void tag(Type begin, Type end, String endDelimiter) {
        out.add(new Token(begin, "", line));
        Deque<Character> brackets = new ArrayDeque<>();
        while (true) {
            if (pos >= src.length()) return;  // the parser reports the missing end
            if (brackets.isEmpty()) {
                int tokenLine = line;
                boolean ended = begin == Type.BLOCK_BEGIN ? blockEnd(endDelimiter) : variableEnd();
                if (ended) {
                    out.add(new Token(end, "", tokenLine));
                    return;
                }
            }
            char c = src.charAt(pos);
            if (PyStrings.isSpace(c)) {
                if (c == '\n') line++;
                pos++;
            } else if (Character.isDigit(c)) {
                number();
            } else if (c == '_' || Character.isLetter(c)) {
                int start = pos;
                while (pos < src.length() && (src.charAt(pos) == '_' || Character.isLetterOrDigit(src.charAt(pos)))) pos++;
                out.add(new Token(Type.NAME, src.substring(start, pos), line));
            } else if (c == '\'' || c == '"') {
                string(c);
            } else {
                operator(brackets);
            }
        }
    }

    private boolean variableEnd() {
        if (src.startsWith("-}}", pos)) {
            pos += 3;
            int start = pos;
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) pos++;
            line += countNewlines(src, start, pos);
            lineStarting = pos > start && src.charAt(pos - 1) == '\n';
            return true;
        }
        if (src.startsWith("}}", pos)) {
            pos += 2;
            lineStarting = false;
            return true;
        }
        return false;
    }

    private void operator(Deque<Character> brackets) {
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                switch (op) {
                    case "(" -> brackets.push(')');
                    case "[" -> brackets.push(']');
                    case "{" -> brackets.push('}');
                    case ")", "]", "}" -> {
                        if (brackets.isEmpty()) throw TemplateException.syntax("unexpected '" + op + "'", line);
                        char expected = brackets.pop();
                        if (expected != op.charAt(0)) {
                            throw TemplateException.syntax("unexpected '" + op + "', expected '" + expected + "'", line);
                        }
                    }
                    default -> { }
                }
                pos += op.length();
                out.add(new Token(Type.OP, op, line));
                return;
            }
        }
        throw TemplateException.syntax("unexpected char '" + src.charAt(pos) + "' at " + pos, line);
    }

    /** Integer (decimal, 0x, 0o, 0b, with {@code _} separators) or float ({@code 1.5}, {@code 1e3}). */
    private void number() {
        int start = pos;
        if (src.charAt(pos) == '0' && pos + 1 < src.length() && "xXoObB".indexOf(src.charAt(pos + 1)) >= 0) {
            char base = Character.toLowerCase(src.charAt(pos + 1));
            pos += 2;
            int digitsStart = pos;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
            String digits = src.substring(digitsStart, pos).replace("_", "");
            int radix = base == 'x' ? 16 : base == 'o' ? 8 : 2;
            out.add(new Token(Type.INTEGER, Long.parseLong(digits, radix), line));
            return;
        }
        digits();
        boolean isFloat = false;
        boolean afterDot = start > 0 && src.charAt(start - 1) == '.';  // foo.0.1 is two subscripts, not 0.1
        if (!afterDot && pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            pos++;
            digits();
            isFloat = true;
        }
        if (!afterDot && pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int p = pos + 1;
            if (p < src.length() && (src.charAt(p) == '+' || src.charAt(p) == '-')) p++;
            if (p < src.length() && Character.isDigit(src.charAt(p))) {
                pos = p;
                digits();
                isFloat = true;
            }
        }
        String text = src.substring(start, pos).replace("_", "");
        if (isFloat) out.add(new Token(Type.FLOAT, Double.parseDouble(text), line));
        else out.add(new Token(Type.INTEGER, Long.parseLong(text), line));
    }

    private void digits() {
        while (pos < src.length() && (Character.isDigit(src.charAt(pos))
                || (src.charAt(pos) == '_' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))))) {
            pos++;
        }
    }

    /** A quoted string with Python escape sequences ({@code \n}, {@code \'}, {@code \x41}, {@code \u00e9}...). */
    private void string(char quote) {
        int startLine = line;
        int start = pos;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= src.length()) {
                throw TemplateException.syntax("unexpected char '" + quote + "' at " + start, startLine);
            }
            char c = src.charAt(pos++);
            if (c == quote) break;
            if (c == '\n') line++;
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) throw TemplateException.syntax("unexpected end of string", startLine);
            char e = src.charAt(pos++);
            switch (e) {
                case '\n' -> line++;
                case '\\', '\'', '"' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'x' -> sb.appendCodePoint(hexEscape(2));
                case 'u' -> sb.appendCodePoint(hexEscape(4));
                case 'U' -> sb.appendCodePoint(hexEscape(8));
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; k++) {
                            v = v * 8 + (src.charAt(pos++) - '0');
                        }
                        sb.appendCodePoint(v);
                    } else {
                        sb.append('\\').append(e);
                    }
                }
            }
        }
        out.add(new Token(Type.STRING, sb.toString(), startLine));
    }

    private int hexEscape(int n) {
        if (pos + n > src.length()) throw TemplateException.syntax("truncated \\x escape in string", line);
        String hex = src.substring(pos, pos + n);
        pos += n;
        try {
            return Integer.parseInt(hex, 16);
        } catch (NumberFormatException ex) {
            throw TemplateException.syntax("bad escape in string: " + hex, line);
        }
    }

    private static int countNewlines(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (s.charAt(i) == '\n') n++;
        return n;
    }
}
