package hearth.engine.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rejects grammars the matcher cannot run: a rule that reaches itself through references at the start of
 * alternatives (past only nullable elements) while leaving something to return to, e.g. {@code expr ::= expr "+" n}.
 * The matcher would push frames forever. A reference in tail position pushes nothing, so cycles made only of those
 * ({@code a ::= b}, {@code b ::= a | "x"}) are harmless and allowed.
 */
final class LeftRecursion {
    private LeftRecursion() {}

    static void check(Grammar g) {
        int n = g.alts.length;
        boolean[] nullable = nullable(g);
        // edges: rule -> rule referenced at the start of one of its alternatives; push = not in tail position
        List<int[]> edges = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            for (int start : g.alts[r]) {
                for (int p = start; g.kind[p] == Grammar.REF; p++) {
                    int target = g.arg[p];
                    edges.add(new int[] {r, target, g.kind[p + 1] == Grammar.END ? 0 : 1});
                    if (!nullable[target]) break;
                }
            }
        }
        int[] scc = components(n, edges);
        for (int[] e : edges) {
            if (e[2] == 1 && scc[e[0]] == scc[e[1]]) {
                throw new GrammarException("left recursion: rule '" + display(g, e[0]) + "' can reach itself through '"
                        + display(g, e[1]) + "' without consuming input");
            }
        }
    }

    private static String display(Grammar g, int rule) {
        return g.ruleNames[rule];
    }

    /** Rules that can match the empty string (fixpoint). */
    static boolean[] nullable(Grammar g) {
        int n = g.alts.length;
        boolean[] nullable = new boolean[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int r = 0; r < n; r++) {
                if (nullable[r]) continue;
                for (int start : g.alts[r]) {
                    int p = start;
                    while (g.kind[p] == Grammar.REF && nullable[g.arg[p]]) p++;
                    if (g.kind[p] == Grammar.END) {
                        nullable[r] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        return nullable;
    }

    /** Strongly connected component of each node (iterative Tarjan, so deep grammars do not overflow the stack). */
    private static int[] components(int n, List<int[]> edges) {
        int[] count = new int[n + 1];
        for (int[] e : edges) count[e[0] + 1]++;
        for (int i = 0; i < n; i++) count[i + 1] += count[i];
        int[] adj = new int[edges.size()];
        int[] fill = Arrays.copyOf(count, n);
        for (int[] e : edges) adj[fill[e[0]]++] = e[1];

        int[] index = new int[n], low = new int[n], comp = new int[n], edgePos = new int[n];
        Arrays.fill(index, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n], call = new int[n];
        int sp = 0, next = 0, comps = 0;
        for (int s = 0; s < n; s++) {
            if (index[s] >= 0) continue;
            int cp = 0;
            call[cp++] = s;
            index[s] = low[s] = next++;
            edgePos[s] = count[s];
            stack[sp++] = s;
            onStack[s] = true;
            while (cp > 0) {
                int v = call[cp - 1];
                if (edgePos[v] < count[v + 1]) {
                    int w = adj[edgePos[v]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = next++;
                        edgePos[w] = count[w];
                        stack[sp++] = w;
                        onStack[w] = true;
                        call[cp++] = w;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                } else {
                    cp--;
                    if (cp > 0) low[call[cp - 1]] = Math.min(low[call[cp - 1]], low[v]);
                    if (low[v] == index[v]) {
                        int w;
                        do {
                            w = stack[--sp];
                            onStack[w] = false;
                            comp[w] = comps;
                        } while (w != v);
                        comps++;
                    }
                }
            }
        }
        return comp;
    }
}
