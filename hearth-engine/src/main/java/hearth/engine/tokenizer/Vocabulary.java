package hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The token table of a GGUF vocabulary: text, score and type per id, the text-to-id map, special token ids and the
 * switches that shape tokenization. Immutable; built once per model by {@link Tokenizer#fromGguf} in O(n).
 */
public final class Vocabulary {
    private static final byte[] EMPTY = new byte[0];

    private final TokenizerModel model;
    private final String[] texts;
    private final float[] scores;
    private final TokenType[] types;
    private final boolean[] lstrip;
    private final boolean[] rstrip;
    private final StringIds ids;
    private final SpecialTokens specials;
    private final TokenizerOptions options;
    /** Control, user-defined and unknown tokens, longest text (in UTF-8 bytes) first, ties by id. */
    private final int[] specialTextTokens;
    private final SpecialTokenIndex specialTextIndex;
    private final int maxTokenBytes;
    /** What each token stands for when rendered with special tokens shown (the reference's piece cache). */
    private final byte[][] pieces;

    Vocabulary(TokenizerModel model, String[] texts, float[] scores, TokenType[] types, boolean[] lstrip,
               boolean[] rstrip, StringIds ids, SpecialTokens specials, TokenizerOptions options) {
        this.model = model;
        this.texts = texts;
        this.scores = scores;
        this.types = types;
        this.lstrip = lstrip;
        this.rstrip = rstrip;
        this.ids = ids;
        this.specials = specials;
        this.options = options;
        int[] byteLengths = new int[texts.length];
        int max = 0;
        for (int i = 0; i < texts.length; i++) {
            byteLengths[i] = Utf8.encodedLength(texts[i]);
            max = Math.max(max, byteLengths[i]);
        }
        this.maxTokenBytes = max;
        this.specialTextTokens = IntStream.range(0, texts.length).filter(i -> types[i].isSpecialText()).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> -byteLengths[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        this.specialTextIndex = new SpecialTokenIndex(
                IntStream.of(specialTextTokens).mapToObj(i -> texts[i]).toArray(String[]::new));
        this.pieces = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) pieces[i] = renderPiece(i);
    }

    /** Builds the text-to-id map; a text that occurs twice maps to its last id, as in the reference. */
    static StringIds index(String[] texts) {
        return new StringIds(texts, null, true);
    }

    public TokenizerModel model() {
        return model;
    }

    public int size() {
        return texts.length;
    }

    /** The token's text as stored in the vocabulary (SPM spaces as U+2581, byte-level BPE in its byte alphabet). */
    public String text(int id) {
        return texts[id];
    }

    public float score(int id) {
        return scores[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    /** Id of the token whose text is exactly {@code text}, or -1. */
    public int id(String text) {
        return ids.get(text);
    }

    /** Whether matching this special token also swallows the whitespace before it. */
    public boolean lstrip(int id) {
        return lstrip[id];
    }

    /** Whether matching this special token also swallows the whitespace after it. */
    public boolean rstrip(int id) {
        return rstrip[id];
    }

    public SpecialTokens specials() {
        return specials;
    }

    public TokenizerOptions options() {
        return options;
    }

    /** Length of the longest token text in UTF-8 bytes. */
    public int maxTokenBytes() {
        return maxTokenBytes;
    }

    int[] specialTextTokens() {
        return specialTextTokens;
    }

    /** Which of {@link #specialTextTokens()} occur in {@code text} (same order). */
    boolean[] specialTokensIn(String text) {
        return specialTextIndex.occurring(text);
    }

    /**
     * The bytes token {@code id} stands for (the reference's {@code token_to_piece} without space stripping). Control
     * and unknown tokens give their text when {@code special} is true and nothing otherwise.
     */
    public byte[] piece(int id, boolean special) {
        return pieceView(id, special).clone();
    }

    /** As {@link #piece} without the defensive copy; callers must not modify the result. */
    byte[] pieceView(int id, boolean special) {
        if (!special && (types[id] == TokenType.CONTROL || types[id] == TokenType.UNKNOWN)) return EMPTY;
        return pieces[id];
    }

    private byte[] renderPiece(int id) {
        TokenType type = types[id];
        String text = texts[id];
        if (type.isSpecialText()) return text.getBytes(StandardCharsets.UTF_8);
        return switch (model) {
            case SPM, WPM -> switch (type) {
                case NORMAL -> text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
                case BYTE -> new byte[] {(byte) parseByteToken(text)};
                default -> EMPTY;
            };
            case BPE -> type == TokenType.NORMAL ? byteLevelDecode(text) : EMPTY;
        };
    }

    /** The byte of an SPM byte token {@code <0xXX>}: the two characters after "<0x" read as hex (0 if not hex). */
    private static int parseByteToken(String text) {
        if (text.length() < 5) return 0;
        int hi = Character.digit(text.charAt(3), 16);
        int lo = Character.digit(text.charAt(4), 16);
        if (hi < 0) return 0;
        return lo < 0 ? hi : hi * 16 + lo;
    }

    /** Maps byte-level characters back to bytes; a character outside the byte alphabet is spelled out as the reference does. */
    private static byte[] byteLevelDecode(String text) {
        byte[] direct = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int b = ByteLevel.decode(text.charAt(i));
            if (b < 0) return byteLevelDecodeSlow(text);
            direct[i] = (byte) b;
        }
        return direct;
    }

    private static byte[] byteLevelDecodeSlow(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder s = new StringBuilder("[UNK_BYTE_0x");
                for (byte x : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) s.append(String.format("%02x", x & 0xFF));
                s.append(text).append(']');
                out.writeBytes(s.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** SPM byte fallback: the {@code <0xXX>} token of a byte, else a token spelled as that single byte, else -1. */
    int byteToken(int b) {
        int id = id(String.format("<0x%02X>", b & 0xFF));
        return id >= 0 ? id : id(String.valueOf((char) (b & 0xFF)));
    }

    @Override
    public String toString() {
        return "Vocabulary[" + model + ", " + texts.length + " tokens, " + specials + "]";
    }
}
