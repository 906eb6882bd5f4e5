package hearth.engine.tokenizer;

/**
 * The text being pre-tokenized, as code points plus the two derived forms the regex steps run on (built on first use):
 * the "collapsed" text with one char per code point, where every non-ASCII code point is replaced by a stand-in for
 * its category, and the "wide" text, the code points themselves with non-ASCII whitespace replaced by U+000B.
 */
final class SplitText {
    /** Stand-ins of the collapsed text, one per category; non-ASCII whitespace becomes U+000B. */
    static final char OTHER = '\u00D0';
    static final char NUMBER = '\u00D1';
    static final char LETTER = '\u00D2';
    static final char PUNCTUATION = '\u00D3';
    static final char MARK = '\u00D4';
    static final char SYMBOL = '\u00D5';
    static final char WHITESPACE = '\u000B';

    final int[] cps;
    private int[] flags;
    private String collapsed;
    private String wide;
    /** Char index in {@link #wide} of each code point index (length cps.length + 1). */
    private int[] wideIndex;

    SplitText(int[] cps) {
        this.cps = cps;
    }

    /** Category flags per code point, {@link UnicodeProps#flags}. */
    int[] flags() {
        if (flags == null) {
            int[] f = new int[cps.length];
            for (int i = 0; i < cps.length; i++) f[i] = UnicodeProps.flags(cps[i]);
            flags = f;
        }
        return flags;
    }

    String collapsed() {
        if (collapsed == null) {
            int[] f = flags();
            char[] c = new char[cps.length];
            for (int i = 0; i < cps.length; i++) {
                int cp = cps[i];
                if (cp < 0x80) {
                    c[i] = (char) cp;
                } else if ((f[i] & UnicodeProps.WHITESPACE) != 0) {
                    c[i] = WHITESPACE;
                } else {
                    c[i] = switch (f[i] & UnicodeProps.CATEGORY_MASK) {
                        case UnicodeProps.NUMBER -> NUMBER;
                        case UnicodeProps.LETTER -> LETTER;
                        case UnicodeProps.PUNCTUATION -> PUNCTUATION;
                        case UnicodeProps.MARK -> MARK;
                        case UnicodeProps.SYMBOL -> SYMBOL;
                        default -> OTHER;
                    };
                }
            }
            collapsed = new String(c);
        }
        return collapsed;
    }

    String wide() {
        if (wide == null) {
            StringBuilder sb = new StringBuilder(cps.length + 8);
            int[] index = new int[cps.length + 1];
            for (int i = 0; i < cps.length; i++) {
                index[i] = sb.length();
                int cp = cps[i];
                sb.appendCodePoint(cp > 0x7F && UnicodeProps.isWhitespace(cp) ? WHITESPACE : cp);
            }
            index[cps.length] = sb.length();
            wideIndex = index;
            wide = sb.toString();
        }
        return wide;
    }

    /** Char index in the wide text of code point {@code cp}; call {@link #wide()} first. */
    int wideCharIndex(int cp) {
        return wideIndex[cp];
    }

    /** Code point index of a char index in the wide text that starts a code point. */
    int codePointAtWide(int charIndex) {
        int pos = java.util.Arrays.binarySearch(wideIndex, charIndex);
        if (pos < 0) throw new IllegalStateException("match boundary inside a surrogate pair at " + charIndex);
        // equal entries cannot occur: every code point takes one or two chars
        return pos;
    }
}
