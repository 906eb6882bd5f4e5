package hearth.engine.tokenizer;

/**
 * GPT-2's reversible byte-to-character table used by byte-level BPE vocabularies: printable Latin-1 bytes
 * ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, the other 68 bytes are assigned U+0100, U+0101, ... in byte order
 * (so the space 0x20 is 'Ġ' U+0120 and the newline 0x0A is 'Ċ' U+010A).
 */
final class ByteLevel {
    private ByteLevel() {}

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by code point (all mapped characters are below U+0144); -1 where the character stands for no byte. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean self = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = self ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1. */
    static int decode(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /** The byte-level spelling of UTF-8 bytes: one mapped character per byte. */
    static String encode(byte[] bytes, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) out[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }
}
