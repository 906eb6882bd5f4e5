package hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Token ids back to bytes, with the reference's rules for the leading space, BOS/EOS and space clean-up. */
final class Detokenizer {
    private Detokenizer() {}

    /**
     * @param removeSpecial   drop a leading BOS / trailing EOS where the vocabulary adds them
     * @param unparseSpecial  render control and unknown tokens as their text (otherwise they produce nothing)
     */
    static byte[] detokenize(Vocabulary vocab, int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        TokenizerOptions o = vocab.options();
        SpecialTokens s = vocab.specials();
        // SPM inputs got a space put in front; take one back off the first piece, unless a BOS was removed
        boolean removeSpace = o.addSpacePrefix();
        int from = 0;
        int to = ids.length;
        if (removeSpecial && o.addBos() && to > 0 && ids[0] == s.bos()) {
            removeSpace = false;
            from++;
        }
        if (removeSpecial && o.addEos() && to > from && ids[to - 1] == s.eos()) to--;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            byte[] piece = vocab.pieceView(ids[i], unparseSpecial);
            int skip = removeSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
            removeSpace = false;
        }
        byte[] text = out.toByteArray();
        return o.cleanSpaces() ? cleanSpaces(text) : text;
    }

    /**
     * Hugging Face's {@code clean_up_tokenization_spaces} as the reference does it, in three in-place passes over
     * the bytes: drop the space before {@code ? ! . ,}; turn {@code " ' "} into {@code "'"}; drop the space before
     * {@code 's 'm 're 've}.
     */
    static byte[] cleanSpaces(byte[] text) {
        int total = text.length;
        // pass 1: " ?", " !", " .", " ,"
        int n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) total--;
            text[total++] = x;
        }
        // pass 2: a lone apostrophe between spaces loses both spaces
        n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < n && text[i - 1] == ' ' && text[i + 1] == ' ') {
                total--;
                text[++i] = 0;
            }
            text[total++] = x;
        }
        // pass 3: contractions " 's", " 'm", " 're", " 've" (not " 't", " 'd", " 'll")
        n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < n) {
                byte x1 = text[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < n) {
                    byte x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) total--;
                }
            }
            text[total++] = x;
        }
        return Arrays.copyOf(text, total);
    }
}
