package hearth.engine.grammar;

import java.util.ArrayDeque;

/**
 * A grammar applied to one generation at the token level: which tokens may come next, and moving on once one is
 * chosen. End-of-generation tokens are allowed exactly where the text so far is a complete sentence.
 *
 * <p>Cost: checking one token walks its bytes through cached transitions (nanoseconds). The full set of allowed
 * tokens walks the vocabulary trie, skipping every subtree whose prefix the grammar rejects, and is cached per
 * grammar state (a bitset; the oldest are dropped past {@link #MASK_CACHE_BYTES}).
 *
 * <p>A {@linkplain Grammar#lazy lazy} grammar first waits: every token may come next except one that completes a
 * trigger text followed by text the grammar rejects. Once a trigger appears, the grammar applies from the trigger's
 * first byte on (bytes of the same token after the trigger included) and the constraint works as for any grammar.
 *
 * <p>Not thread-safe: one per generation.
 */
public final class TokenConstraint {
    private static final long MASK_CACHE_BYTES = 4L << 20;

    private final GrammarMatcher matcher;
    private final TokenIndex index;
    private final ArrayDeque<GrammarMatcher.State> masked = new ArrayDeque<>();
    private final int maxMasks;
    private GrammarMatcher.State[] walkStack;
    private boolean ended;
    private final TriggerScanner scanner; // null unless the grammar is lazy
    private boolean waiting;              // lazy and no trigger seen yet

    public TokenConstraint(Grammar grammar, TokenIndex index) {
        this(grammar.matcher(), index);
    }

    TokenConstraint(GrammarMatcher matcher, TokenIndex index) {
        this.matcher = matcher;
        Grammar g = matcher.grammar();
        this.scanner = g.isLazy() ? new TriggerScanner(g.triggers()) : null;
        this.waiting = g.isLazy();
        this.index = index;
        long maskBytes = 8L * ((index.vocabSize() + 63) / 64);
        this.maxMasks = (int) Math.max(4, MASK_CACHE_BYTES / Math.max(1, maskBytes));
        this.walkStack = new GrammarMatcher.State[index.maxDepth + 1];
    }

    public TokenIndex index() {
        return index;
    }

    /** Whether a lazy grammar still waits for its trigger (output is free until then). */
    public boolean waiting() {
        return waiting;
    }

    /** Whether the token may come next. */
    public boolean allows(int token) {
        if (ended) return false;
        if (waiting) return allowsBeforeTrigger(token);
        GrammarMatcher.State s = matcher.current();
        if (s.tokenMask != null) return token >= 0 && token < index.vocabSize() && (s.tokenMask[token >>> 6] >>> token & 1L) != 0;
        byte[] b = index.bytes(token);
        if (b == null) return s.accepting && index.isEndOfGeneration(token);
        return !matcher.walk(s, b, 0, b.length).dead();
    }

    /** Sets the logit of every token that may not come next to negative infinity ({@code logits.length >= vocab}). */
    public void mask(float[] logits, int vocab) {
        long[] bits = allowed();
        int n = Math.min(vocab, index.vocabSize());
        for (int w = 0; w * 64 < n; w++) {
            long word = bits[w];
            if (word == -1L) continue;
            int end = Math.min(n, w * 64 + 64);
            for (int t = w * 64; t < end; t++) if ((word >>> t & 1L) == 0) logits[t] = Float.NEGATIVE_INFINITY;
        }
        for (int t = n; t < vocab; t++) logits[t] = Float.NEGATIVE_INFINITY;
    }

    /** Number of tokens that may come next. */
    public int allowedCount() {
        int c = 0;
        for (long w : allowed()) c += Long.bitCount(w);
        return c;
    }

    /** The allowed tokens as a bitset over token ids (shared; do not modify). */
    long[] allowed() {
        if (waiting) return allowedBeforeTrigger();
        GrammarMatcher.State s = matcher.current();
        if (s.tokenMask != null) return s.tokenMask;
        long[] bits = new long[(index.vocabSize() + 63) / 64];
        if (!ended) {
            walkTrie(s, bits);
            if (s.accepting) for (int e : index.endOfGeneration()) bits[e >>> 6] |= 1L << e;
        }
        if (ended) return bits;
        s.tokenMask = bits;
        masked.addLast(s);
        if (masked.size() > maxMasks) masked.pollFirst().tokenMask = null;
        return bits;
    }

    private void walkTrie(GrammarMatcher.State s, long[] bits) {
        GrammarMatcher.State[] at = walkStack;
        at[0] = s;
        byte[] nodeByte = index.nodeByte;
        int[] depth = index.nodeDepth, skip = index.skip, first = index.firstToken, tokens = index.tokens;
        int n = nodeByte.length;
        int i = 0;
        while (i < n) {
            int d = depth[i];
            GrammarMatcher.State t = matcher.step(at[d - 1], nodeByte[i] & 0xFF);
            if (t.dead()) {
                i = skip[i];
                continue;
            }
            at[d] = t;
            for (int k = first[i], end = first[i + 1]; k < end; k++) {
                int tok = tokens[k];
                bits[tok >>> 6] |= 1L << tok;
            }
            i++;
        }
    }

    /**
     * Moves past a chosen token. An end-of-generation token ends the constraint; a token the grammar does not allow
     * throws (the sampler never picks one).
     */
    public void accept(int token) {
        if (ended) throw new IllegalStateException("the grammar already ended");
        if (waiting) {
            acceptBeforeTrigger(token);
            return;
        }
        byte[] b = index.bytes(token);
        if (b == null) {
            if (matcher.isAccepting() && index.isEndOfGeneration(token)) {
                ended = true;
                return;
            }
            throw new IllegalArgumentException("token " + token + " is not allowed by the grammar here");
        }
        GrammarMatcher.State next = matcher.walk(matcher.current(), b, 0, b.length);
        if (next.dead()) throw new IllegalArgumentException("token " + token + " is not allowed by the grammar here");
        matcher.moveTo(next);
    }

    /** Whether the text so far is a complete sentence of the grammar (or free text before a lazy trigger). */
    public boolean isAccepting() {
        return waiting || matcher.isAccepting();
    }

    /** Whether an end-of-generation token was accepted. */
    public boolean ended() {
        return ended;
    }

    /** Whether the sentence is complete and nothing may follow it: the generation should end. */
    public boolean complete() {
        return ended || (!waiting && matcher.isAccepting() && !matcher.canContinue());
    }

    /** Before the trigger: anything but a token that completes a trigger the grammar cannot continue from. */
    private boolean allowsBeforeTrigger(int token) {
        byte[] b = index.bytes(token);
        if (b == null) return true; // control and end tokens: free text may hold them or end
        int at = scanner.find(b);
        if (at == TriggerScanner.NONE) return true;
        byte[] rest = scanner.from(at, b);
        return !matcher.walk(matcher.current(), rest, 0, rest.length).dead();
    }

    private void acceptBeforeTrigger(int token) {
        byte[] b = index.bytes(token);
        if (b == null) {
            if (index.isEndOfGeneration(token)) ended = true;
            scanner.reset();
            return;
        }
        int at = scanner.find(b);
        if (at == TriggerScanner.NONE) {
            scanner.append(b);
            return;
        }
        byte[] rest = scanner.from(at, b);
        GrammarMatcher.State next = matcher.walk(matcher.current(), rest, 0, rest.length);
        if (next.dead()) throw new IllegalArgumentException("token " + token + " starts a call the grammar does not allow");
        matcher.moveTo(next);
        waiting = false;
    }

    /** Checks every token; only for the rare case that the sampler's candidates all completed a bad trigger. */
    private long[] allowedBeforeTrigger() {
        long[] bits = new long[(index.vocabSize() + 63) / 64];
        for (int t = 0; t < index.vocabSize(); t++) if (allowsBeforeTrigger(t)) bits[t >>> 6] |= 1L << t;
        return bits;
    }

    public GrammarMatcher matcher() {
        return matcher;
    }
}
