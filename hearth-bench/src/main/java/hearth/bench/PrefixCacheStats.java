package hearth.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's prefix-cache hit rate over a run, from its {@code /metrics} counters scraped before and after:
 * any pair named {@code <family>prefix_cache_hits[_total]} / {@code <family>prefix_cache_queries[_total]}
 * (Hearth's {@code hearth_prefix_cache_*}, vLLM's {@code vllm:prefix_cache_*}). Units are whatever the server
 * counts (vLLM: tokens; Hearth: lookups); the rate is their ratio.
 *
 * @param family the metric-name prefix the counters came from, e.g. {@code hearth_} or {@code vllm:}
 * @param hitRate hits / queries over the run, or null when there were no queries
 */
public record PrefixCacheStats(String family, double hits, double queries, Double hitRate) {
    private static final Pattern NAME = Pattern.compile("^(.*?)prefix_cache_(hits|queries)(_total)?$");

    /** The counters of one family in a scrape. */
    record Counters(String family, double hits, double queries) {}

    /**
     * The difference between two scrapes, or null when the server exposes no such counters or they went
     * backwards (a restart). Hearth's family is preferred, then vLLM's, then the first in name order.
     */
    public static PrefixCacheStats between(String before, String after) {
        Counters a = counters(PromText.sums(before));
        Counters b = counters(PromText.sums(after));
        if (a == null || b == null || !a.family().equals(b.family())) return null;
        double hits = b.hits() - a.hits();
        double queries = b.queries() - a.queries();
        if (hits < 0 || queries < 0) return null;
        return new PrefixCacheStats(b.family(), hits, queries, queries > 0 ? hits / queries : null);
    }

    static Counters counters(Map<String, Double> sums) {
        Map<String, double[]> families = new TreeMap<>(); // family -> {hits, queries, hits from _total?, queries from _total?}
        for (var e : sums.entrySet()) {
            Matcher m = NAME.matcher(e.getKey());
            if (!m.matches()) continue;
            double[] f = families.computeIfAbsent(m.group(1), k -> new double[] {Double.NaN, Double.NaN, 0, 0});
            int slot = m.group(2).equals("hits") ? 0 : 1;
            boolean total = m.group(3) != null;
            // a name and its _total alias are the same counter: take _total when both are there
            if (total) {
                f[slot] = e.getValue();
                f[slot + 2] = 1;
            } else if (f[slot + 2] == 0) {
                f[slot] = e.getValue();
            }
        }
        List<String> complete = new ArrayList<>();
        for (var e : families.entrySet()) {
            if (!Double.isNaN(e.getValue()[0]) && !Double.isNaN(e.getValue()[1])) complete.add(e.getKey());
        }
        if (complete.isEmpty()) return null;
        complete.sort(Comparator.comparingInt(PrefixCacheStats::rank));
        String fam = complete.getFirst();
        return new Counters(fam, families.get(fam)[0], families.get(fam)[1]);
    }

    private static int rank(String family) {
        if (family.startsWith("hearth")) return 0;
        if (family.startsWith("vllm")) return 1;
        return 2;
    }
}
