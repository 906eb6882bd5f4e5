package hearth.engine.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grammar expression over text: what a GBNF rule body says. Literals are matched as their UTF-8 bytes; character
 * classes are sets of Unicode code points (matched as any valid UTF-8 encoding of one of them).
 */
public sealed interface Expr {

    /** Exactly this text. The empty text matches the empty string. */
    record Text(String value) implements Expr {
        public Text {
            if (value == null) throw new IllegalArgumentException("text must not be null");
        }
    }

    /**
     * One code point from a set. {@code ranges} holds inclusive {@code [lo, hi]} pairs as written; {@code negated}
     * means every code point outside them (surrogates are never matched: they have no UTF-8 encoding).
     */
    record CharClass(int[] ranges, boolean negated) implements Expr {
        public CharClass {
            if (ranges.length % 2 != 0) throw new IllegalArgumentException("ranges come in pairs");
            ranges = ranges.clone();
            for (int i = 0; i < ranges.length; i += 2) {
                if (ranges[i] < 0 || ranges[i + 1] > Character.MAX_CODE_POINT || ranges[i] > ranges[i + 1]) {
                    throw new IllegalArgumentException("bad code point range " + ranges[i] + ".." + ranges[i + 1]);
                }
            }
        }

        @Override
        public int[] ranges() {
            return ranges.clone();
        }

        /** The matched code points as sorted, disjoint, non-adjacent inclusive ranges, negation applied. */
        public int[] normalized() {
            int[] merged = merge(ranges);
            return negated ? complement(merged) : merged;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CharClass c && c.negated == negated && Arrays.equals(c.ranges, ranges);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ranges) * 31 + Boolean.hashCode(negated);
        }

        @Override
        public String toString() {
            return "CharClass[" + (negated ? "^" : "") + Arrays.toString(ranges) + "]";
        }

        private static int[] merge(int[] r) {
            int n = r.length / 2;
            long[] pairs = new long[n];
            for (int i = 0; i < n; i++) pairs[i] = ((long) r[2 * i] << 32) | r[2 * i + 1];
            Arrays.sort(pairs);
            int[] out = new int[r.length];
            int m = 0;
            for (long p : pairs) {
                int lo = (int) (p >>> 32), hi = (int) p;
                if (m > 0 && lo <= out[m - 1] + 1) {
                    out[m - 1] = Math.max(out[m - 1], hi);
                } else {
                    out[m++] = lo;
                    out[m++] = hi;
                }
            }
            return Arrays.copyOf(out, m);
        }

        private static int[] complement(int[] merged) {
            int[] out = new int[merged.length + 2];
            int m = 0, next = 0;
            for (int i = 0; i < merged.length; i += 2) {
                if (merged[i] > next) {
                    out[m++] = next;
                    out[m++] = merged[i] - 1;
                }
                next = merged[i + 1] + 1;
            }
            if (next <= Character.MAX_CODE_POINT) {
                out[m++] = next;
                out[m++] = Character.MAX_CODE_POINT;
            }
            return Arrays.copyOf(out, m);
        }
    }

    /** The rule of that name. */
    record Ref(String rule) implements Expr {}

    /** Each item in turn. */
    record Seq(List<Expr> items) implements Expr {
        public Seq {
            items = List.copyOf(items);
        }
    }

    /** Any one of the options. */
    record Alt(List<Expr> options) implements Expr {
        public Alt {
            if (options.isEmpty()) throw new IllegalArgumentException("an alternation needs at least one option");
            options = List.copyOf(options);
        }
    }

    /** {@code item} between {@code min} and {@code max} times; {@code max} {@link #UNBOUNDED} means no upper limit. */
    record Repeat(Expr item, int min, int max) implements Expr {
        public static final int UNBOUNDED = -1;

        public Repeat {
            if (min < 0 || (max != UNBOUNDED && max < min)) throw new IllegalArgumentException("bad repetition {" + min + "," + max + "}");
        }
    }

    // ---- shorthands for building grammars in code ----

    static Expr text(String s) {
        return new Text(s);
    }

    static Expr ref(String rule) {
        return new Ref(rule);
    }

    /** A sequence, flattened: nested sequences are spliced in and empty texts dropped; one item stays itself. */
    static Expr seq(Expr... items) {
        List<Expr> out = new ArrayList<>();
        for (Expr e : items) {
            if (e instanceof Seq s) out.addAll(s.items());
            else if (!(e instanceof Text t && t.value().isEmpty())) out.add(e);
        }
        return out.size() == 1 ? out.getFirst() : new Seq(out);
    }

    /** An alternation; a single option stays itself. */
    static Expr alt(List<Expr> options) {
        return options.size() == 1 ? options.getFirst() : new Alt(options);
    }

    static Expr alt(Expr... options) {
        return alt(List.of(options));
    }

    static Expr opt(Expr e) {
        return new Repeat(e, 0, 1);
    }

    static Expr star(Expr e) {
        return new Repeat(e, 0, Repeat.UNBOUNDED);
    }

    static Expr repeat(Expr e, int min, int max) {
        return new Repeat(e, min, max);
    }

    /** The empty string. */
    static Expr empty() {
        return new Text("");
    }

    /** A class of the listed code point ranges ({@code lo, hi, lo, hi, ...}). */
    static Expr chars(int... ranges) {
        return new CharClass(ranges, false);
    }

    static Expr notChars(int... ranges) {
        return new CharClass(ranges, true);
    }
}
