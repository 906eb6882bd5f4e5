package hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bert} (WordPiece) tokenizer as the reference implements it: each code point is replaced by the first
 * code point of its canonical decomposition (which drops accents) and lower-cased; whitespace separates words;
 * control characters are dropped; punctuation, ASCII symbols and CJK ideographs are words of their own. Each word,
 * prefixed with U+2581, is covered by greedy longest-match tokens; a word that cannot be covered becomes the unknown
 * token. {@code add_special} always wraps the result in BOS (CLS) ... SEP.
 */
public final class WordPieceTokenizer implements Tokenizer {
    private final Vocabulary vocab;

    WordPieceTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        text = Utf8.wellFormed(text);
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial) out.add(SentencePieceTokenizer.requireSpecial(vocab.specials().bos(), "BOS"));
        for (Fragment f : SpecialTokenSplitter.split(vocab, text, parseSpecial)) {
            switch (f) {
                case Fragment.Text t -> tokenizeText(text.substring(t.start(), t.end()), out);
                case Fragment.Token t -> out.add(t.id());
            }
        }
        if (addSpecial) out.add(SentencePieceTokenizer.requireSpecial(vocab.specials().sep(), "SEP"));
        return out.toArray();
    }

    private void tokenizeText(String text, IntList out) {
        for (String word : words(text)) {
            String w = "\u2581" + word;
            int before = out.size();
            // UTF-8 offset of each char index, to bound candidates by the vocabulary's longest token in bytes
            int[] byteAt = new int[w.length() + 1];
            for (int i = 0; i < w.length(); i++) {
                char c = w.charAt(i);
                byteAt[i + 1] = byteAt[i] + (c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3);
            }
            int i = 0;
            while (i < w.length()) {
                int found = -1;
                int foundEnd = -1;
                // a token of at most maxTokenBytes bytes spans at most that many chars
                for (int j = (int) Math.min(w.length(), (long) i + vocab.maxTokenBytes()); j > i; j--) {
                    if (j < w.length() && Character.isLowSurrogate(w.charAt(j))) continue; // not a code point boundary
                    if (byteAt[j] - byteAt[i] > vocab.maxTokenBytes()) continue;
                    int id = vocab.id(w.substring(i, j));
                    if (id >= 0) {
                        found = id;
                        foundEnd = j;
                        break;
                    }
                }
                if (found < 0) { // the word cannot be covered: drop what was matched of it
                    out.truncate(before);
                    break;
                }
                out.add(found);
                i = foundEnd;
            }
            if (out.size() == before) out.add(vocab.specials().unk());
        }
    }

    /** The normalized words of {@code text}. */
    static List<String> words(String text) {
        int[] cps = Utf8.codePoints(Utf8.encode(text));
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int raw : cps) {
            int cp = UnicodeProps.nfdFirst(raw);
            int flags = UnicodeProps.flags(cp);
            if ((flags & UnicodeProps.WHITESPACE) != 0) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            if (cp == 0 || cp == Utf8.REPLACEMENT || (flags & UnicodeProps.CONTROL) != 0) continue;
            int lower = UnicodeProps.toLower(cp);
            if ((flags & UnicodeProps.PUNCTUATION) != 0 || (cp < 0x7F && (flags & UnicodeProps.SYMBOL) != 0)
                    || isChineseChar(cp)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                words.add(Character.toString(lower));
            } else {
                word.appendCodePoint(lower);
            }
        }
        if (!word.isEmpty()) words.add(word.toString());
        return words;
    }

    /** CJK ideograph blocks as BERT defines them (including its 0x2B920 typo for Extension E's start). */
    private static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    @Override
    public int newline() {
        return vocab.specials().pad();
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[" + vocab.size() + " tokens]";
    }
}
