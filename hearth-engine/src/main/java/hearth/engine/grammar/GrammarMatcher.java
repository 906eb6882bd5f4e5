package hearth.engine.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a generation stands in a grammar: the set of parse stacks that are still possible, moved forward one byte at
 * a time. A stack's top is the byte set to match next; the frames below are the positions to return to when a rule
 * ends. The empty stack means the text so far is a complete sentence.
 *
 * <p>Speed comes from caching: frames are interned (so equal stacks are the same object chains and a stack set is a
 * sorted array of frame ids) and every stack set met becomes a {@link State} with a lazily filled 256-way transition
 * table. Inside a JSON string, for example, each letter leads back to the very same state, so checking a token
 * costs one array lookup per byte after the first visit. The caches are per matcher (one generation) and are
 * dropped and rebuilt around the current state when they grow past a limit.
 *
 * <p>Not thread-safe.
 */
public final class GrammarMatcher {
    private static final int FRAME_LIMIT = 1 << 20;
    private static final int STATE_LIMIT = 1 << 12; // a state holds a 256-entry transition table: ~4 MiB at most
    private final int frameLimit;
    private final int stateLimit;

    /** A set of parse stacks, interned: equal sets are the same object. */
    static final class State {
        final int[] tops;          // sorted frame ids; 0 (the empty stack) when the text may end here
        final boolean accepting;
        State[] next;              // by byte, filled lazily
        long[] tokenMask;          // allowed-token bitset, cached by TokenConstraint

        State(int[] tops) {
            this.tops = tops;
            this.accepting = tops.length > 0 && tops[0] == 0;
        }

        boolean dead() {
            return tops.length == 0;
        }
    }

    private final Grammar g;
    // interned frames (pos, below); id 0 is the empty stack
    private int[] framePos = new int[256];
    private int[] frameBelow = new int[256];
    private int frames;
    private LongIntMap frameIds = new LongIntMap();
    private final Map<Key, State> states = new HashMap<>();
    private final State deadState = new State(new int[0]);
    private State initial;
    private State current;
    // scratch for computing a step
    private final LongIntMap visited = new LongIntMap();
    private int[] out = new int[16];
    private int outSize;

    GrammarMatcher(Grammar g) {
        this(g, FRAME_LIMIT, STATE_LIMIT);
    }

    /** A matcher whose caches are rebuilt once they hold more frames or states than given (tests use small limits). */
    GrammarMatcher(Grammar g, int frameLimit, int stateLimit) {
        this.g = g;
        this.frameLimit = frameLimit;
        this.stateLimit = stateLimit;
        resetTables();
        this.current = initial;
    }

    public Grammar grammar() {
        return g;
    }

    /** Back to the start of the grammar (caches are kept). */
    public void reset() {
        current = initial;
    }

    /** Whether the text so far is a complete sentence. */
    public boolean isAccepting() {
        return current.accepting;
    }

    /** Whether some byte can still follow (false when the sentence is complete and nothing may be appended). */
    public boolean canContinue() {
        return current.tops.length > (current.accepting ? 1 : 0);
    }

    /** Whether the bytes can follow the text so far. Does not move. */
    public boolean accepts(byte[] bytes) {
        return !walk(current, bytes, 0, bytes.length).dead();
    }

    /** Moves past the bytes if they can follow; returns false and stays put if they cannot. */
    public boolean advance(byte[] bytes) {
        return advance(bytes, 0, bytes.length);
    }

    public boolean advance(byte[] bytes, int off, int len) {
        State s = walk(current, bytes, off, len);
        if (s.dead()) return false;
        current = s;
        if (frames > frameLimit || states.size() > stateLimit) compact();
        return true;
    }

    /** Number of parse stacks in the current state (a measure of ambiguity). */
    public int stackCount() {
        return current.tops.length;
    }

    /** Number of cached states (for tests and diagnostics). */
    int cachedStates() {
        return states.size();
    }

    State current() {
        return current;
    }

    void moveTo(State s) {
        current = s;
        if (frames > frameLimit || states.size() > stateLimit) compact();
    }

    State walk(State s, byte[] bytes, int off, int len) {
        for (int i = off; i < off + len && !s.dead(); i++) s = step(s, bytes[i] & 0xFF);
        return s;
    }

    /** The state after one more byte ({@code b} 0..255); the dead state if the byte cannot follow. */
    State step(State s, int b) {
        State[] next = s.next;
        if (next == null) {
            if (s.dead()) return s;
            next = s.next = new State[256];
        }
        State t = next[b];
        if (t == null) t = next[b] = computeStep(s, b);
        return t;
    }

    private State computeStep(State s, int b) {
        visited.clear();
        outSize = 0;
        for (int f : s.tops) {
            if (f == 0) continue;
            int p = framePos[f];
            if (g.setContains(g.arg[p], b)) closure(p + 1, frameBelow[f]);
        }
        return intern();
    }

    /**
     * Adds every stack that results from standing at element {@code pos} with {@code below} underneath: byte sets
     * become tops, references open their rule's alternatives, an alternative's end returns to the frame below.
     */
    private void closure(int pos, int below) {
        if (visited.putIfAbsent(((long) pos << 32) | below, 1) >= 0) return;
        switch (g.kind[pos]) {
            case Grammar.BYTES -> emit(frame(pos, below));
            case Grammar.REF -> {
                // a reference in tail position pushes nothing: right recursion runs in constant stack depth
                int ret = g.kind[pos + 1] == Grammar.END ? below : frame(pos + 1, below);
                for (int start : g.alts[g.arg[pos]]) closure(start, ret);
            }
            default -> {
                if (below == 0) emit(0);
                else closure(framePos[below], frameBelow[below]);
            }
        }
    }

    private void emit(int frame) {
        if (outSize == out.length) out = Arrays.copyOf(out, out.length * 2);
        out[outSize++] = frame;
    }

    private int frame(int pos, int below) {
        long key = ((long) pos << 32) | below;
        int id = frameIds.get(key);
        if (id >= 0) return id;
        if (frames == framePos.length) {
            framePos = Arrays.copyOf(framePos, frames * 2);
            frameBelow = Arrays.copyOf(frameBelow, frames * 2);
        }
        id = frames++;
        framePos[id] = pos;
        frameBelow[id] = below;
        frameIds.put(key, id);
        return id;
    }

    private State intern() {
        if (outSize == 0) return deadState;
        int[] tops = Arrays.copyOf(out, outSize);
        Arrays.sort(tops);
        int n = 1;
        for (int i = 1; i < tops.length; i++) if (tops[i] != tops[n - 1]) tops[n++] = tops[i];
        if (n < tops.length) tops = Arrays.copyOf(tops, n);
        Key key = new Key(tops);
        State s = states.get(key);
        if (s == null) {
            s = new State(tops);
            states.put(key, s);
        }
        return s;
    }

    private void resetTables() {
        frameIds.clear();
        states.clear();
        frames = 1; // frame 0: the empty stack
        framePos[0] = -1;
        visited.clear();
        outSize = 0;
        for (int start : g.alts[g.root]) closure(start, 0);
        initial = intern();
    }

    /** Drops all caches and rebuilds the current state's stacks in fresh tables. */
    private void compact() {
        List<int[]> stacks = new ArrayList<>();
        for (int f : current.tops) {
            List<Integer> chain = new ArrayList<>();
            for (int x = f; x != 0; x = frameBelow[x]) chain.add(framePos[x]);
            stacks.add(chain.stream().mapToInt(Integer::intValue).toArray());
        }
        framePos = new int[256];
        frameBelow = new int[256];
        frameIds = new LongIntMap();
        resetTables();
        outSize = 0;
        for (int[] chain : stacks) {
            int below = 0;
            for (int i = chain.length - 1; i >= 0; i--) below = frame(chain[i], below);
            emit(below);
        }
        current = intern();
    }

    private record Key(int[] tops, int hash) {
        Key(int[] tops) {
            this(tops, Arrays.hashCode(tops));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.tops, tops);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
