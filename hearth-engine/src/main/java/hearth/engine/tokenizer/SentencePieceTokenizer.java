package hearth.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The {@code llama} (SentencePiece BPE) tokenizer: spaces become U+2581, a space is put in front of text that starts
 * the input or follows a special token, then adjacent symbols are merged greedily, highest-scoring resulting token
 * first (leftmost on ties), starting from single characters. A final symbol that is not a token is spelled with byte
 * tokens {@code <0xXX>}.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    private final Vocabulary vocab;

    SentencePieceTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        text = Utf8.wellFormed(text);
        TokenizerOptions o = vocab.options();
        IntList out = new IntList(text.length() / 2 + 4);
        boolean afterSpecial = true; // the start of the input counts as "after a special token"
        if (addSpecial && o.addBos()) out.add(requireSpecial(vocab.specials().bos(), "BOS"));
        List<Fragment> fragments = SpecialTokenSplitter.split(vocab, text, parseSpecial);
        for (Fragment f : fragments) {
            switch (f) {
                case Fragment.Text t -> {
                    String piece = text.substring(t.start(), t.end());
                    if (o.addSpacePrefix() && afterSpecial) piece = " " + piece;
                    tokenize(piece.replace(' ', '\u2581'), out);
                    afterSpecial = false;
                }
                case Fragment.Token t -> {
                    out.add(t.id());
                    afterSpecial = true;
                }
            }
        }
        if (addSpecial && o.addEos()) out.add(requireSpecial(vocab.specials().eos(), "EOS"));
        return out.toArray();
    }

    static int requireSpecial(int id, String what) {
        if (id < 0) throw new IllegalStateException("the vocabulary asks for a " + what + " token but has none");
        return id;
    }

    /** A candidate merge of two adjacent symbols into the token of that text. */
    private record Bigram(int left, int right, float score, int length) {
    }

    /** Higher score first; on equal scores the leftmost pair. */
    private static int compare(Bigram a, Bigram b) {
        if (a.score > b.score) return -1;
        if (a.score < b.score) return 1;
        return Integer.compare(a.left, b.left);
    }

    /** Merges the characters of {@code text} (spaces already escaped) into tokens. */
    private void tokenize(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) return;
        // symbols: a linked list over char ranges of text; a merged-away symbol has length 0
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            start[i] = pos;
            len[i] = Character.charCount(text.codePointAt(pos));
            pos += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(SentencePieceTokenizer::compare);
        for (int i = 1; i < n; i++) offer(text, start, len, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            // stale: one side was merged into something else since this pair was queued
            if (len[b.left] == 0 || len[b.right] == 0 || len[b.left] + len[b.right] != b.length) continue;
            len[b.left] += len[b.right];
            len[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) prev[next[b.right]] = b.left;
            offer(text, start, len, prev[b.left], b.left, queue);
            offer(text, start, len, b.left, next[b.left], queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            String symbol = text.substring(start[i], start[i] + len[i]);
            int id = vocab.id(symbol);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) out.add(byteToken(b));
            }
        }
    }

    private void offer(String text, int[] start, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        int length = len[left] + len[right];
        int id = vocab.id(text.substring(start[left], start[left] + length));
        if (id < 0) return;
        queue.add(new Bigram(left, right, vocab.score(id), length));
    }

    private int byteToken(byte b) {
        int id = vocab.byteToken(b);
        if (id >= 0) return id;
        int unk = vocab.specials().unk();
        if (unk >= 0) return unk;
        throw new IllegalStateException(String.format("the vocabulary has no token for byte 0x%02X and no unknown token", b & 0xFF));
    }

    @Override
    public int newline() {
        int id = vocab.byteToken('\n');
        return id >= 0 ? id : vocab.specials().pad();
    }

    @Override
    public String toString() {
        return "SentencePieceTokenizer[" + vocab.size() + " tokens]";
    }
}
