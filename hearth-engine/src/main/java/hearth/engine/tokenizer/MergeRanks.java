package hearth.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;

/** BPE merge priorities: the rank (position in {@code tokenizer.ggml.merges}) of each pair of adjacent symbols. */
final class MergeRanks {
    private record Pair(String left, String right) {
    }

    private final Map<Pair, Integer> ranks;

    /**
     * Each merge is "LEFT RIGHT", split at the first space after the first character (so a left side may itself be a
     * space). A merge without such a space is kept under the empty pair, and the first occurrence of a pair wins, as in
     * the reference.
     */
    MergeRanks(String[] merges) {
        ranks = HashMap.newHashMap(merges.length);
        for (int i = 0; i < merges.length; i++) {
            String m = merges[i];
            int space = m.isEmpty() ? -1 : m.indexOf(' ', 1);
            Pair p = space >= 0 ? new Pair(m.substring(0, space), m.substring(space + 1)) : new Pair("", "");
            ranks.putIfAbsent(p, i);
        }
    }

    /** Rank of merging {@code left} and {@code right}, or -1 when they do not merge. */
    int rank(String left, String right) {
        Integer r = ranks.get(new Pair(left, right));
        return r == null ? -1 : r;
    }

    int size() {
        return ranks.size();
    }
}
