package hearth.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles {@link Expr} rules into a {@link Grammar}'s flat element arrays. Helper rules stand in for groups,
 * alternatives inside sequences, repetitions and multi-byte character classes: {@code x*} becomes
 * {@code S ::= x S | ε} (right-recursive, so matching needs no stack growth), {@code x{2,4}} becomes
 * {@code x x O2} with {@code O2 ::= x O1 | ε}, {@code O1 ::= x | ε}.
 */
final class Lowering {
    private final Map<String, Expr> rules;
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<List<int[]>> ruleAlts = new ArrayList<>(); // per rule: alternatives as packed elements
    private final ArrayDeque<Object[]> pending = new ArrayDeque<>(); // {rule id, List<Expr> options}
    private final Map<Object, Integer> helpers = new HashMap<>();
    private final Map<String, Integer> setIds = new HashMap<>();
    private final List<long[]> sets = new ArrayList<>();

    private Lowering(Map<String, Expr> rules) {
        this.rules = rules;
    }

    static Grammar compile(Map<String, Expr> rules, String root) {
        if (!rules.containsKey(root)) throw new GrammarException("the grammar has no rule '" + root + "'");
        Lowering l = new Lowering(rules);
        for (String name : rules.keySet()) l.newRule(name);
        for (Map.Entry<String, Expr> r : rules.entrySet()) {
            Expr body = r.getValue();
            l.pending.add(new Object[] {l.ruleIds.get(r.getKey()), body instanceof Expr.Alt a ? a.options() : List.of(body)});
        }
        while (!l.pending.isEmpty()) {
            Object[] job = l.pending.poll();
            int id = (Integer) job[0];
            @SuppressWarnings("unchecked") List<Expr> options = (List<Expr>) job[1];
            for (Expr option : options) {
                List<Integer> elems = new ArrayList<>();
                l.lower(option, elems);
                l.addAlt(id, elems);
            }
        }
        return l.build(l.ruleIds.get(root), rules, root);
    }

    private int newRule(String name) {
        int id = names.size();
        names.add(name);
        ruleIds.put(name, id);
        ruleAlts.add(new ArrayList<>());
        return id;
    }

    private void addAlt(int rule, List<Integer> elems) {
        int[] packed = new int[elems.size()];
        for (int i = 0; i < packed.length; i++) packed[i] = elems.get(i);
        ruleAlts.get(rule).add(packed);
    }

    // packed element: BYTES as (set << 2) | 1, REF as (rule << 2) | 2
    private static int bytesElem(int set) {
        return set << 2 | Grammar.BYTES;
    }

    private static int refElem(int rule) {
        return rule << 2 | Grammar.REF;
    }

    private void lower(Expr e, List<Integer> out) {
        switch (e) {
            case Expr.Text t -> {
                for (byte b : t.value().getBytes(StandardCharsets.UTF_8)) {
                    long[] set = new long[4];
                    Utf8Ranges.addRange(set, b & 0xFF, b & 0xFF);
                    out.add(bytesElem(setId(set)));
                }
            }
            case Expr.Ref r -> {
                Integer id = ruleIds.get(r.rule());
                if (id == null || !rules.containsKey(r.rule())) throw new GrammarException("undefined rule '" + r.rule() + "'");
                out.add(refElem(id));
            }
            case Expr.Seq s -> {
                for (Expr item : s.items()) lower(item, out);
            }
            case Expr.CharClass c -> lowerClass(c, out);
            case Expr.Alt a -> out.add(refElem(helper(a, () -> a.options())));
            case Expr.Repeat r -> lowerRepeat(r, out);
        }
    }

    private void lowerClass(Expr.CharClass c, List<Integer> out) {
        int[] ranges = c.normalized();
        if (ranges.length == 0) throw new GrammarException("empty character class " + Gbnf.format(c) + " matches nothing");
        if (ranges[ranges.length - 1] < 0x80) {
            long[] set = new long[4];
            for (int i = 0; i < ranges.length; i += 2) Utf8Ranges.addRange(set, ranges[i], ranges[i + 1]);
            out.add(bytesElem(setId(set)));
            return;
        }
        Integer known = helpers.get(List.of("class", Arrays.toString(ranges)));
        if (known != null) {
            out.add(refElem(known));
            return;
        }
        int id = newRule("[class" + names.size() + "]");
        helpers.put(List.of("class", Arrays.toString(ranges)), id);
        for (long[][] run : Utf8Ranges.of(ranges)) {
            List<Integer> elems = new ArrayList<>();
            for (long[] set : run) elems.add(bytesElem(setId(set)));
            addAlt(id, elems);
        }
        out.add(refElem(id));
    }

    private void lowerRepeat(Expr.Repeat r, List<Integer> out) {
        List<Integer> atom = new ArrayList<>();
        lower(r.item(), atom);
        if (atom.size() != 1) {
            atom.clear();
            atom.add(refElem(helper(List.of("group", r.item()), () -> List.of(r.item()))));
        }
        int a = atom.getFirst();
        for (int i = 0; i < r.min(); i++) out.add(a);
        if (r.max() == Expr.Repeat.UNBOUNDED) {
            out.add(refElem(star(a)));
        } else if (r.max() > r.min()) {
            out.add(refElem(optionalChain(a, r.max() - r.min())));
        }
    }

    /** {@code S ::= a S | ε}. */
    private int star(int a) {
        Integer known = helpers.get(List.of("star", a));
        if (known != null) return known;
        int id = newRule("[star" + names.size() + "]");
        helpers.put(List.of("star", a), id);
        addAlt(id, List.of(a, refElem(id)));
        addAlt(id, List.of());
        return id;
    }

    /** {@code O_k ::= a O_(k-1) | ε} with {@code O_1 ::= a | ε}: up to k more copies of a. */
    private int optionalChain(int a, int k) {
        int prev = -1;
        for (int j = 1; j <= k; j++) {
            Integer known = helpers.get(List.of("opt", a, j));
            if (known != null) {
                prev = known;
                continue;
            }
            int id = newRule("[opt" + names.size() + "]");
            helpers.put(List.of("opt", a, j), id);
            addAlt(id, prev < 0 ? List.of(a) : List.of(a, refElem(prev)));
            addAlt(id, List.of());
            prev = id;
        }
        return prev;
    }

    private int helper(Object key, java.util.function.Supplier<List<Expr>> options) {
        Integer known = helpers.get(key);
        if (known != null) return known;
        int id = newRule("[group" + names.size() + "]");
        helpers.put(key, id);
        pending.add(new Object[] {id, options.get()});
        return id;
    }

    private int setId(long[] set) {
        String key = set[0] + "," + set[1] + "," + set[2] + "," + set[3];
        return setIds.computeIfAbsent(key, k -> {
            sets.add(set.clone());
            return sets.size() - 1;
        });
    }

    private Grammar build(int root, Map<String, Expr> source, String rootName) {
        int total = 0;
        for (List<int[]> alts : ruleAlts) for (int[] a : alts) total += a.length + 1;
        byte[] kind = new byte[total];
        int[] arg = new int[total];
        int[][] starts = new int[ruleAlts.size()][];
        int pos = 0;
        for (int r = 0; r < ruleAlts.size(); r++) {
            List<int[]> alts = ruleAlts.get(r);
            starts[r] = new int[alts.size()];
            for (int i = 0; i < alts.size(); i++) {
                starts[r][i] = pos;
                for (int e : alts.get(i)) {
                    kind[pos] = (byte) (e & 3);
                    arg[pos++] = e >>> 2;
                }
                kind[pos++] = Grammar.END;
            }
        }
        long[] flat = new long[4 * sets.size()];
        for (int i = 0; i < sets.size(); i++) System.arraycopy(sets.get(i), 0, flat, 4 * i, 4);
        Grammar g = new Grammar(kind, arg, flat, starts, names.toArray(String[]::new), root, source, rootName);
        LeftRecursion.check(g);
        return g;
    }
}
