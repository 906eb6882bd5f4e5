package hearth.engine.tokenizer;

import java.text.Normalizer;

/**
 * Code point properties as llama.cpp's tokenizers see them: one general-category class per code point (the first
 * letter of the Unicode category), the Unicode {@code White_Space} property, simple lower-case mapping, and the first
 * code point of the NFD decomposition.
 *
 * <p>The reference tables of llama.cpp (c392e50) were generated from Unicode 15.1. The JDK 25 character database is
 * Unicode 16.0, so code points first assigned in 16.0 are reported here as unassigned, with identity case mapping and
 * decomposition, exactly like the reference. Everything else agrees code point for code point (checked over all
 * 0x110000 code points when this class was written).
 */
final class UnicodeProps {
    private UnicodeProps() {}

    // Category flags: the same bit layout as llama.cpp so flag arithmetic reads the same.
    static final int UNDEFINED = 0x0001;
    static final int NUMBER = 0x0002;
    static final int LETTER = 0x0004;
    static final int SEPARATOR = 0x0008;
    static final int MARK = 0x0010;
    static final int PUNCTUATION = 0x0020;
    static final int SYMBOL = 0x0040;
    static final int CONTROL = 0x0080;
    static final int CATEGORY_MASK = 0x00FF;
    /** Not a category: the White_Space property, or-ed onto the category bit. */
    static final int WHITESPACE = 0x0100;

    /** Inclusive ranges of code points assigned in Unicode 16.0 (unassigned in 15.1), sorted. */
    private static final int[] NEW_IN_16 = {
        0x00897, 0x00897, 0x01B4E, 0x01B4F, 0x01B7F, 0x01B7F, 0x01C89, 0x01C8A, 0x02427, 0x02429, 0x031E4, 0x031E5,
        0x0A7CB, 0x0A7CD, 0x0A7DA, 0x0A7DC, 0x105C0, 0x105F3, 0x10D40, 0x10D65, 0x10D69, 0x10D85, 0x10D8E, 0x10D8F,
        0x10EC2, 0x10EC4, 0x10EFC, 0x10EFC, 0x11380, 0x11389, 0x1138B, 0x1138B, 0x1138E, 0x1138E, 0x11390, 0x113B5,
        0x113B7, 0x113C0, 0x113C2, 0x113C2, 0x113C5, 0x113C5, 0x113C7, 0x113CA, 0x113CC, 0x113D5, 0x113D7, 0x113D8,
        0x113E1, 0x113E2, 0x116D0, 0x116E3, 0x11BC0, 0x11BE1, 0x11BF0, 0x11BF9, 0x11F5A, 0x11F5A, 0x13460, 0x143FA,
        0x16100, 0x16139, 0x16D40, 0x16D79, 0x18CFF, 0x18CFF, 0x1CC00, 0x1CCF9, 0x1CD00, 0x1CEB3, 0x1E5D0, 0x1E5FA,
        0x1E5FF, 0x1E5FF, 0x1F8B2, 0x1F8BB, 0x1F8C0, 0x1F8C1, 0x1FA89, 0x1FA89, 0x1FA8F, 0x1FA8F, 0x1FABE, 0x1FABE,
        0x1FAC6, 0x1FAC6, 0x1FADC, 0x1FADC, 0x1FADF, 0x1FADF, 0x1FAE9, 0x1FAE9, 0x1FBCB, 0x1FBEF,
    };

    static boolean newerThanReference(int cp) {
        if (cp < NEW_IN_16[0]) return false;
        int lo = 0, hi = NEW_IN_16.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < NEW_IN_16[2 * mid]) hi = mid - 1;
            else if (cp > NEW_IN_16[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /** Category flag of {@code cp}, or-ed with {@link #WHITESPACE}; 0 for values outside the code space. */
    static int flags(int cp) {
        if (cp < 0 || cp > Character.MAX_CODE_POINT) return 0;
        int category = category(cp);
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }

    private static int category(int cp) {
        if (newerThanReference(cp)) return UNDEFINED;
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            default -> UNDEFINED;
        };
    }

    /** The Unicode White_Space property (not Java's isWhitespace, which differs on no-break spaces and U+001C..1F). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    static boolean isLetter(int cp) {
        return (flags(cp) & LETTER) != 0;
    }

    static boolean isNumber(int cp) {
        return (flags(cp) & NUMBER) != 0;
    }

    /** Simple (one code point) lower-case mapping from UnicodeData.txt. */
    static int toLower(int cp) {
        if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        if (newerThanReference(cp)) return cp;
        return Character.toLowerCase(cp);
    }

    /** First code point of the canonical decomposition: what llama.cpp's single-code-point "NFD" keeps. */
    static int nfdFirst(int cp) {
        if (cp < 0xC0 || newerThanReference(cp) || cp > Character.MAX_CODE_POINT
                || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
            return cp;
        }
        String s = Character.toString(cp);
        if (Normalizer.isNormalized(s, Normalizer.Form.NFD)) return cp;
        return Normalizer.normalize(s, Normalizer.Form.NFD).codePointAt(0);
    }
}
