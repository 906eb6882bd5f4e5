package hearth.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final List<String> triggers; // empty: constrains from the first token

    Grammar(byte[] kind, int[] arg, long[] sets, int[][] alts, String[] ruleNames, int root,
            Map<String, Expr> source, String rootName) {
        this(kind, arg, sets, alts, ruleNames, root, source, rootName, List.of());
    }

    private Grammar(byte[] kind, int[] arg, long[] sets, int[][] alts, String[] ruleNames, int root,
                    Map<String, Expr> source, String rootName, List<String> triggers) {
        this.kind = kind;
        this.arg = arg;
        this.sets = sets;
        this.alts = alts;
        this.ruleNames = ruleNames;
        this.root = root;
        this.source = source;
        this.rootName = rootName;
        this.triggers = triggers;
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

    /**
     * The same grammar applied lazily: output is free until one of the trigger texts appears in it, and from the
     * first character of that trigger on it must follow this grammar (so every sentence starts with a trigger, e.g.
     * a tool-call grammar triggered by {@code <tool_call>} lets the model answer in prose or call a tool, but a call
     * it starts is a valid one). Triggers are matched in the generated text, across token boundaries; a marker the
     * vocabulary only has as a control token never appears as text and so never triggers. Throws
     * {@link GrammarException} for no triggers or a trigger that cannot begin a sentence.
     */
    public Grammar lazy(List<String> triggerTexts) {
        if (triggerTexts == null || triggerTexts.isEmpty()) throw new GrammarException("a lazy grammar needs at least one trigger");
        for (String t : triggerTexts) {
            if (t == null || t.isEmpty()) throw new GrammarException("a trigger must not be empty");
            if (!isPrefix(t)) throw new GrammarException("the trigger '" + t + "' cannot begin a sentence of the grammar");
        }
        return new Grammar(kind, arg, sets, alts, ruleNames, root, source, rootName, List.copyOf(triggerTexts));
    }

    /** The texts that switch a lazy grammar on; empty for a grammar that applies from the start. */
    public List<String> triggers() {
        return triggers;
    }

    public boolean isLazy() {
        return !triggers.isEmpty();
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
        return "Grammar[" + source.size() + " rules, " + alts.length + " compiled, root " + rootName
                + (triggers.isEmpty() ? "" : ", lazy on " + triggers) + "]";
    }
}
