package hearth.engine.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer pattern run with java.util.regex the way the reference runs it with std::regex.
 *
 * <p>A pattern that uses {@code \p{N}}, {@code \p{L}}, {@code \p{P}}, {@code \p{M}} or {@code \p{S}} runs on the
 * {@linkplain SplitText#collapsed() collapsed text}: each category escape is rewritten to a class of the category's
 * stand-in plus its ASCII members. That reproduces the reference exactly, including its quirks: ASCII {@code ~} is in
 * no class (the reference's ASCII symbol list omits it), and non-ASCII letters match both {@code [^a-z]} and
 * {@code [^A-Z]}. Any other pattern runs on the {@linkplain SplitText#wide() wide text}. In both cases {@code \s} is
 * ASCII whitespace, as in the reference's "C" locale.
 *
 * @param source  the pattern as the reference writes it
 * @param pattern the compiled Java pattern
 * @param collapsed whether it runs on the collapsed text
 */
record RegexSplit(String source, Pattern pattern, boolean collapsed) implements SplitRule {

    static RegexSplit of(String source) {
        boolean usesCategories = CATEGORY.matcher(source).find();
        String java = usesCategories ? collapse(source) : source;
        return new RegexSplit(source, Pattern.compile(java), usesCategories);
    }

    private static final Pattern CATEGORY = Pattern.compile("\\\\p\\{[NLPMS]\\}");

    /** Stand-in char plus ASCII members of each category class, in Java character-class syntax. */
    private static String members(char category) {
        return switch (category) {
            case 'N' -> SplitText.NUMBER + "0-9";
            case 'L' -> SplitText.LETTER + "A-Za-z";
            case 'P' -> SplitText.PUNCTUATION + "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}";
            case 'M' -> String.valueOf(SplitText.MARK);
            case 'S' -> SplitText.SYMBOL + "\\$\\+<->\\^`\\|";
            default -> throw new IllegalArgumentException("category " + category);
        };
    }

    /**
     * Rewrites the category escapes: inside a bracket expression the members are spliced in, outside they become a
     * bracket expression of their own. Bracket tracking looks only at the preceding character, as the reference does.
     */
    static String collapse(String regex) {
        if (!regex.codePoints().allMatch(cp -> cp < 0x80)) {
            throw new IllegalArgumentException("a pattern with category escapes must be ASCII: " + regex);
        }
        StringBuilder out = new StringBuilder(regex.length() + 32);
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            char prev = i > 0 ? regex.charAt(i - 1) : 0;
            if (c == '[' && prev != '\\') {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && prev != '\\') {
                out.append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 4 < regex.length() && regex.charAt(i + 1) == 'p' && regex.charAt(i + 2) == '{'
                    && regex.charAt(i + 4) == '}' && "NLPMS".indexOf(regex.charAt(i + 3)) >= 0) {
                String m = members(regex.charAt(i + 3));
                out.append(inside ? m : "[" + m + "]");
                i += 4;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public void split(SplitText text, IntList in, IntList out) {
        String subject = collapsed ? text.collapsed() : text.wide();
        Matcher m = pattern.matcher(subject);
        int start = 0; // code point index of the fragment
        for (int f = 0; f < in.size(); f++) {
            int len = in.get(f);
            int end = start + len;
            int regionStart = collapsed ? start : text.wideCharIndex(start);
            int regionEnd = collapsed ? end : text.wideCharIndex(end);
            m.region(regionStart, regionEnd);
            int done = start;
            while (m.find()) {
                int ms = collapsed ? m.start() : text.codePointAtWide(m.start());
                int me = collapsed ? m.end() : text.codePointAtWide(m.end());
                if (ms > done) out.add(ms - done);
                out.add(me - ms);
                done = me;
            }
            if (done < end) out.add(end - done);
            start = end;
        }
    }
}
