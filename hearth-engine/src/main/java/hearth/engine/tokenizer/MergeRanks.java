package hearth.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * BPE merge priorities: the rank (position in {@code tokenizer.ggml.merges}) of each pair of adjacent symbols.
 *
 * <p>Keyed by the merge strings themselves ("LEFT RIGHT", already in memory as GGUF metadata): a 128k-merge vocabulary
 * costs one map entry per merge instead of two substrings, a pair object and a boxed rank (about 14 MB less heap).
 */
final class MergeRanks {
    private final Map<String, Integer> ranks;
    /** Rank of the first merge without a separating space (kept under the empty pair, as in the reference), or -1. */
    private final int noSpace;

    /**
     * Each merge is "LEFT RIGHT", split at the first space after the first character (so a left side may itself be a
     * space). A merge without such a space is kept under the empty pair, and the first occurrence of a pair wins, as in
     * the reference.
     */
    MergeRanks(String[] merges) {
        ranks = HashMap.newHashMap(merges.length);
        int first = -1;
        for (int i = 0; i < merges.length; i++) {
            String m = merges[i];
            if (!m.isEmpty() && m.indexOf(' ', 1) >= 0) ranks.putIfAbsent(m, i);
            else if (first < 0) first = i;
        }
        noSpace = first;
    }

    /** Rank of merging {@code left} and {@code right}, or -1 when they do not merge. */
    int rank(String left, String right) {
        if (left.isEmpty()) return right.isEmpty() ? noSpace : -1;
        // a left side never holds a space after its first character: the merge string splits at the first one
        if (left.indexOf(' ', 1) >= 0) return -1;
        Integer r = ranks.get(left + ' ' + right);
        return r == null ? -1 : r;
    }

    int size() {
        return ranks.size() + (noSpace >= 0 ? 1 : 0);
    }
}
