package hearth.engine.grammar;

import hearth.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * The vocabulary as a grammar sees it: each token's bytes (as the output text spells them) and a byte trie of all
 * tokens, so tokens sharing a prefix are checked against a grammar state once per shared byte. Built once per
 * tokenizer (tens of milliseconds for 150k tokens) and shared by all generations; immutable and thread-safe.
 *
 * <p>Which tokens can ever match: normal, byte and user-defined tokens with a non-empty piece. Control and unknown
 * tokens render as nothing in the output and never match; end-of-generation tokens are kept apart, allowed only
 * where the grammar may end.
 *
 * <p>The trie is stored flat in preorder: node {@code i} has a byte, a depth (1 for the first byte of a token) and
 * {@code skip[i]}, the index just past its subtree; the tokens spelled exactly by the path to {@code i} are
 * {@code tokens[firstToken[i] .. firstToken[i + 1])}.
 */
public final class TokenIndex {
    private final int vocab;
    private final byte[][] bytes;   // per token; null when the token can never match a grammar
    private final int[] endOfGeneration;
    final byte[] nodeByte;
    final int[] nodeDepth;
    final int[] skip;
    final int[] firstToken;
    final int[] tokens;
    final int maxDepth;

    private TokenIndex(int vocab, byte[][] bytes, int[] endOfGeneration) {
        this.vocab = vocab;
        this.bytes = bytes;
        this.endOfGeneration = endOfGeneration;
        Integer[] order = java.util.stream.IntStream.range(0, vocab).filter(i -> bytes[i] != null).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        int maxNodes = 0, longest = 0;
        for (int id : order) {
            maxNodes += bytes[id].length;
            longest = Math.max(longest, bytes[id].length);
        }
        byte[] nb = new byte[maxNodes];
        int[] nd = new int[maxNodes], sk = new int[maxNodes], first = new int[maxNodes + 1];
        int[] toks = new int[order.length];
        int[] path = new int[longest + 1]; // node index at each depth of the current path
        int nodes = 0, pathLen = 0, nt = 0;
        byte[] prev = new byte[0];
        for (int id : order) {
            byte[] w = bytes[id];
            int lcp = 0;
            while (lcp < w.length && lcp < prev.length && w[lcp] == prev[lcp]) lcp++;
            // close the nodes of the previous path below the common prefix
            while (pathLen > lcp) sk[path[--pathLen]] = nodes;
            for (int d = lcp; d < w.length; d++) {
                nb[nodes] = w[d];
                nd[nodes] = d + 1;
                first[nodes] = nt;
                path[pathLen++] = nodes;
                nodes++;
            }
            toks[nt++] = id; // belongs to the last node of the path, which is the newest or an identical spelling's
            prev = w;
        }
        while (pathLen > 0) sk[path[--pathLen]] = nodes;
        first[nodes] = nt;
        this.nodeByte = Arrays.copyOf(nb, nodes);
        this.nodeDepth = Arrays.copyOf(nd, nodes);
        this.skip = Arrays.copyOf(sk, nodes);
        this.firstToken = Arrays.copyOf(first, nodes + 1);
        this.tokens = toks;
        this.maxDepth = longest;
    }

    /**
     * The index of a tokenizer's vocabulary for a model whose logits have {@code vocab} entries (ids at or past the
     * tokenizer's size never match).
     */
    public static TokenIndex of(Tokenizer tokenizer, int vocab) {
        int known = Math.min(vocab, tokenizer.vocabularySize());
        byte[][] bytes = new byte[vocab][];
        int[] eog = new int[16];
        int neog = 0;
        for (int id = 0; id < known; id++) {
            if (tokenizer.isEndOfGeneration(id)) {
                if (neog == eog.length) eog = Arrays.copyOf(eog, neog * 2);
                eog[neog++] = id;
                continue;
            }
            if (tokenizer.isControl(id)) continue;
            byte[] piece = tokenizer.piece(id, false);
            if (piece.length > 0) bytes[id] = piece;
        }
        return new TokenIndex(vocab, bytes, Arrays.copyOf(eog, neog));
    }

    /** An index over explicit token spellings (tests, mock vocabularies); {@code null} entries never match. */
    public static TokenIndex of(byte[][] tokenBytes, int[] endOfGeneration) {
        return new TokenIndex(tokenBytes.length, tokenBytes.clone(), endOfGeneration.clone());
    }

    public int vocabSize() {
        return vocab;
    }

    /** The bytes a token adds to the output, or null if it can never match a grammar (control, empty, EOG). */
    byte[] bytes(int token) {
        return token >= 0 && token < vocab ? bytes[token] : null;
    }

    boolean isEndOfGeneration(int token) {
        for (int e : endOfGeneration) if (e == token) return true;
        return false;
    }

    int[] endOfGeneration() {
        return endOfGeneration;
    }

    /** Number of trie nodes (bytes that distinct token prefixes add up to). */
    public int nodeCount() {
        return nodeByte.length;
    }
}
