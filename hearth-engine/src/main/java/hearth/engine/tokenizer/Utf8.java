package hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** UTF-8 helpers with llama.cpp's lenient decoding rules (each undecodable byte becomes one U+FFFD). */
final class Utf8 {
    private Utf8() {}

    static final int REPLACEMENT = 0xFFFD;

    /** Sequence length announced by a lead byte, judged by its high nibble only (continuation bytes count as 1). */
    static int sequenceLength(byte lead) {
        int hi = (lead & 0xFF) >>> 4;
        return hi < 0xC ? 1 : hi < 0xE ? 2 : hi == 0xE ? 3 : 4;
    }

    /**
     * Code points of {@code utf8}. Checks lead and continuation bit patterns only (overlong forms and surrogates pass,
     * as in the reference); a byte that starts no valid sequence yields U+FFFD and decoding resumes after it.
     */
    static int[] codePoints(byte[] utf8) {
        int[] out = new int[utf8.length];
        int n = 0;
        int i = 0;
        while (i < utf8.length) {
            int b0 = utf8[i] & 0xFF;
            int len;
            int cp;
            if (b0 < 0x80) {
                len = 1;
                cp = b0;
            } else if ((b0 & 0x40) == 0) {
                len = 0;
                cp = 0;
            } else if ((b0 & 0x20) == 0) {
                len = 2;
                cp = b0 & 0x1F;
            } else if ((b0 & 0x10) == 0) {
                len = 3;
                cp = b0 & 0x0F;
            } else if ((b0 & 0x08) == 0) {
                len = 4;
                cp = b0 & 0x07;
            } else {
                len = 0;
                cp = 0;
            }
            if (len > 1) {
                if (i + len > utf8.length) {
                    len = 0;
                } else {
                    for (int k = 1; k < len; k++) {
                        int b = utf8[i + k] & 0xFF;
                        if ((b & 0xC0) != 0x80) {
                            len = 0;
                            break;
                        }
                        cp = (cp << 6) | (b & 0x3F);
                    }
                }
            }
            if (len == 0) {
                out[n++] = REPLACEMENT;
                i++;
            } else {
                out[n++] = cp;
                i += len;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** Appends the UTF-8 form of {@code cp} (any value up to 0x10FFFF, surrogates included). */
    static void append(ByteArrayOutputStream out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | (cp >> 6));
            out.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.write(0xE0 | (cp >> 12));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        } else {
            out.write(0xF0 | (cp >> 18));
            out.write(0x80 | ((cp >> 12) & 0x3F));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        }
    }

    /** The UTF-8 form of a Java string; unpaired surrogates become '?', as Java's encoder writes them. */
    static byte[] encode(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code s} as it reads after a round trip through UTF-8: unpaired surrogates become '?'. */
    static String wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return decode(encode(s));
                }
            }
        }
        return s;
    }

    static int encodedLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) n += 1;
            else n += 3;
        }
        return n;
    }

    /** Decodes bytes that are expected to be valid UTF-8; invalid parts become U+FFFD (Java's replacement rules). */
    static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String fromCodePoints(int[] cps, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) sb.appendCodePoint(cps[i]);
        return sb.toString();
    }
}
