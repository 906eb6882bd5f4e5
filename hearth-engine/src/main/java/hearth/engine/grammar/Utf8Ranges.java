package hearth.engine.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a set of code points into the byte sequences of their UTF-8 encodings: a list of alternatives, each a run
 * of byte sets (one per byte position). Only valid UTF-8 comes out (no surrogates, no overlong forms), so a grammar
 * that works on bytes still accepts exactly the characters of the class.
 */
final class Utf8Ranges {
    private static final int[] MAX_OF_LENGTH = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};

    private Utf8Ranges() {}

    /**
     * Byte-set runs for sorted, disjoint inclusive code point ranges. Each run is an array of byte sets, each set
     * 4 longs (a 256-bit mask). Runs of equal length that differ only in the first byte are merged.
     */
    static List<long[][]> of(int[] ranges) {
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            int lo = ranges[i], hi = ranges[i + 1];
            // surrogates have no UTF-8 encoding
            if (lo <= 0xDFFF && hi >= 0xD800) {
                if (lo < 0xD800) split(lo, 0xD7FF, seqs);
                if (hi > 0xDFFF) split(0xE000, hi, seqs);
            } else {
                split(lo, hi, seqs);
            }
        }
        return merge(seqs);
    }

    /** Appends byte-range runs ({@code lo0, hi0, lo1, hi1, ...}) for code points lo..hi. */
    private static void split(int lo, int hi, List<int[]> out) {
        if (lo > hi) return;
        // a range must not cross an encoded-length boundary
        for (int len = 0; len < 3; len++) {
            int max = MAX_OF_LENGTH[len];
            if (lo <= max && hi > max) {
                split(lo, max, out);
                split(max + 1, hi, out);
                return;
            }
        }
        if (hi <= 0x7F) {
            out.add(new int[] {lo, hi});
            return;
        }
        int n = hi <= 0x7FF ? 2 : hi <= 0xFFFF ? 3 : 4;
        // lo and hi must share every byte but the trailing ones that span full continuation ranges
        for (int i = 1; i < n; i++) {
            int m = (1 << (6 * i)) - 1; // the low bits covered by the last i bytes
            if ((lo & ~m) != (hi & ~m)) {
                if ((lo & m) != 0) {
                    split(lo, lo | m, out);
                    split((lo | m) + 1, hi, out);
                    return;
                }
                if ((hi & m) != m) {
                    split(lo, (hi & ~m) - 1, out);
                    split(hi & ~m, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo), b = encode(hi);
        int[] run = new int[2 * n];
        for (int i = 0; i < n; i++) {
            run[2 * i] = a[i] & 0xFF;
            run[2 * i + 1] = b[i] & 0xFF;
        }
        out.add(run);
    }

    static byte[] encode(int cp) {
        return new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<long[][]> merge(List<int[]> seqs) {
        // key: length and every byte range after the first; value: union of first-byte sets
        Map<String, long[][]> byTail = new LinkedHashMap<>();
        for (int[] s : seqs) {
            String key = (s.length / 2) + ":" + Arrays.toString(Arrays.copyOfRange(s, 2, s.length));
            long[][] run = byTail.get(key);
            if (run == null) {
                run = new long[s.length / 2][];
                for (int i = 0; i < run.length; i++) run[i] = new long[4];
                for (int i = 1; i < run.length; i++) addRange(run[i], s[2 * i], s[2 * i + 1]);
                byTail.put(key, run);
            }
            addRange(run[0], s[0], s[1]);
        }
        return new ArrayList<>(byTail.values());
    }

    static void addRange(long[] set, int lo, int hi) {
        for (int b = lo; b <= hi; b++) set[b >>> 6] |= 1L << (b & 63);
    }
}
