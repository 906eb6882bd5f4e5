package hearth.engine.tokenizer;

import java.util.List;
import java.util.PriorityQueue;

/**
 * The {@code gpt2} (byte-level BPE) tokenizer: the {@link PreTokenizer} cuts text into words spelled in the byte
 * alphabet, then within each word adjacent symbols are merged lowest merge rank first (leftmost on ties), starting from
 * single characters.
 */
public final class BpeTokenizer implements Tokenizer {
    private final Vocabulary vocab;
    private final PreTokenizer preTokenizer;
    private final MergeRanks merges;

    BpeTokenizer(Vocabulary vocab, PreTokenizer preTokenizer, MergeRanks merges) {
        this.vocab = vocab;
        this.preTokenizer = preTokenizer;
        this.merges = merges;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        text = Utf8.wellFormed(text);
        TokenizerOptions o = vocab.options();
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial && o.addBos()) out.add(SentencePieceTokenizer.requireSpecial(vocab.specials().bos(), "BOS"));
        for (Fragment f : SpecialTokenSplitter.split(vocab, text, parseSpecial)) {
            switch (f) {
                case Fragment.Text t -> tokenizeText(text.substring(t.start(), t.end()), out);
                case Fragment.Token t -> out.add(t.id());
            }
        }
        if (addSpecial && o.addEos()) out.add(SentencePieceTokenizer.requireSpecial(vocab.specials().eos(), "EOS"));
        return out.toArray();
    }

    private void tokenizeText(String text, IntList out) {
        List<String> words = preTokenizer.words(Utf8.encode(text));
        for (String word : words) {
            if (word.isEmpty()) continue;
            if (vocab.options().ignoreMerges()) {
                int id = vocab.id(word);
                if (id >= 0) {
                    out.add(id);
                    continue;
                }
            }
            mergeWord(word, out);
        }
    }

    private record Bigram(int left, int right, int rank, int length) {
    }

    private static int compare(Bigram a, Bigram b) {
        int c = Integer.compare(a.rank, b.rank);
        return c != 0 ? c : Integer.compare(a.left, b.left);
    }

    /** Merges one word; byte-level spelling means every symbol is one char. */
    private void mergeWord(String word, IntList out) {
        int n = word.length();
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(BpeTokenizer::compare);
        for (int i = 1; i < n; i++) offer(word, start, len, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            // stale: a side changed since queuing (lengths only grow, so equal lengths mean equal texts)
            if (len[b.left] == 0 || len[b.right] == 0 || len[b.left] + len[b.right] != b.length) continue;
            len[b.left] += len[b.right];
            len[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) prev[next[b.right]] = b.left;
            offer(word, start, len, prev[b.left], b.left, queue);
            offer(word, start, len, b.left, next[b.left], queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            String symbol = word.substring(start[i], start[i] + len[i]);
            int id = vocab.id(symbol);
            if (id >= 0) {
                out.add(id);
            } else {
                // not a token (incomplete vocabulary): keep what single ASCII characters can be found, as the reference
                for (int k = 0; k < symbol.length(); k++) {
                    char c = symbol.charAt(k);
                    int single = c < 0x80 ? vocab.id(String.valueOf(c)) : -1;
                    if (single >= 0) out.add(single);
                }
            }
        }
    }

    private void offer(String word, int[] start, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        int rank = merges.rank(word.substring(start[left], start[left] + len[left]),
                word.substring(start[right], start[right] + len[right]));
        if (rank < 0) return;
        queue.add(new Bigram(left, right, rank, len[left] + len[right]));
    }

    @Override
    public int newline() {
        int[] ids = encode("\n", false, false);
        return ids.length > 0 ? ids[0] : vocab.specials().pad();
    }

    @Override
    public String toString() {
        return "BpeTokenizer[" + vocab.size() + " tokens, " + merges.size() + " merges, " + preTokenizer.family() + "]";
    }
}
