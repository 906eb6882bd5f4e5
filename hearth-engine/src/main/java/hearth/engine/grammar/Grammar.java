package hearth.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compiled context-free grammar over bytes, ready for matching. Immutable and thread-safe: share one between
 * requests; each generation gets its own {@link GrammarMatcher}.
 *
 * <p>Layout (like llama.cpp's): every rule is a list of alternatives; an alternative is a run of elements in one flat
 * array, ended by {@code END}. An element is a byte set (matches one byte) or a reference to a rule. Repetition,
 * groups, nested alternatives and multi-byte character classes were turned into helper rules when compiling.
 */
public final class Grammar {
    static final byte END = 0, BYTES = 1, REF = 2;

    final byte[] kind;   // per element position
    final int[] arg;     // BYTES: set index; REF: rule id
    final long[] sets;   // 4 longs (256 bits) per byte set
    final int[][] alts;  // per rule: start positions of its alternatives
    final String[] ruleNames;
    final int root;
    private final Map<String, Expr> source;
    private final String rootName;

    Grammar(byte[] kind, int[] arg, long[] sets, int[][] alts, String[] ruleNames, int root,
            Map<String, Expr> source, String rootName) {
        this.kind = kind;
        this.arg = arg;
        this.sets = sets;
        this.alts = alts;
        this.ruleNames = ruleNames;
        this.root = root;
        this.source = source;
        this.rootName = rootName;
    }

    /** Compiles a GBNF text; the start rule is {@code root}. */
    public static Grammar parse(String gbnf) {
        return of(Gbnf.parse(gbnf), "root");
    }

    /** Compiles GBNF text with another start rule. */
    public static Grammar parse(String gbnf, String root) {
        return of(Gbnf.parse(gbnf), root);
    }

    /**
     * Compiles rules. Throws {@link GrammarException} for an undefined start rule or reference, and for left recursion
     * (a rule that can reach itself again without consuming input), which a stack-based matcher cannot run.
     */
    public static Grammar of(Map<String, Expr> rules, String root) {
        Map<String, Expr> copy = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        return Lowering.compile(copy, root);
    }

    /** The rules this grammar was compiled from. */
    public Map<String, Expr> rules() {
        return source;
    }

    public String rootRule() {
        return rootName;
    }

    /** The grammar as GBNF text (start rule first). */
    public String toGbnf() {
        Map<String, Expr> ordered = new LinkedHashMap<>();
        ordered.put(rootName, source.get(rootName));
        ordered.putAll(source);
        return Gbnf.format(ordered);
    }

    /** A fresh matcher at the start of the grammar. */
    public GrammarMatcher matcher() {
        return new GrammarMatcher(this);
    }

    /** Whether the whole text is a sentence of the grammar. */
    public boolean matches(String text) {
        GrammarMatcher m = matcher();
        return m.advance(text.getBytes(StandardCharsets.UTF_8)) && m.isAccepting();
    }

    /** Whether the text can be continued into a sentence of the grammar (every prefix of a sentence is). */
    public boolean isPrefix(String text) {
        return matcher().advance(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Number of compiled rules, helper rules included. */
    public int ruleCount() {
        return alts.length;
    }

    boolean setContains(int set, int b) {
        return (sets[4 * set + (b >>> 6)] >>> (b & 63) & 1L) != 0;
    }

    @Override
    public String toString() {
        return "Grammar[" + source.size() + " rules, " + alts.length + " compiled, root " + rootName + "]";
    }
}
