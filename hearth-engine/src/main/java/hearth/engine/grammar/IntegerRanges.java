package hearth.engine.grammar;

import static hearth.engine.grammar.Expr.alt;
import static hearth.engine.grammar.Expr.chars;
import static hearth.engine.grammar.Expr.repeat;
import static hearth.engine.grammar.Expr.seq;
import static hearth.engine.grammar.Expr.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Integers between bounds, written digit by digit: {@code 15..213} is {@code 1[5-9] | [2-9][0-9] | 1[0-9][0-9] |
 * 20[0-9] | 21[0-3]}. An open side is limited by the digit count generated numbers may have anyway.
 */
final class IntegerRanges {
    private IntegerRanges() {}

    /** Integers {@code lo..hi} (either may be null: unbounded); null when the range is empty. */
    static Expr of(Long lo, Long hi, int maxDigits) {
        long top = maxDigits >= 18 ? Long.MAX_VALUE : pow10(maxDigits) - 1;
        long from = lo == null ? -top : Math.max(lo, -top);
        long to = hi == null ? top : Math.min(hi, top);
        if (from > to) return null;
        List<Expr> options = new ArrayList<>();
        if (from < 0) {
            // negative part: "-" then the magnitudes max(1, -to) .. -from
            long magLo = Math.max(1, to < 0 ? -to : 1), magHi = -from;
            options.add(seq(text("-"), nonNegative(magLo, magHi)));
        }
        if (to >= 0) options.add(nonNegative(Math.max(0, from), to));
        return alt(options);
    }

    /** Decimal numbers without leading zeros from lo to hi (0 <= lo <= hi). */
    private static Expr nonNegative(long lo, long hi) {
        List<Expr> options = new ArrayList<>();
        int dLo = digits(lo), dHi = digits(hi);
        for (int d = dLo; d <= dHi; d++) {
            long a = d == dLo ? lo : pow10(d - 1);
            long b = d == dHi ? hi : pow10(d) - 1;
            sameLength(Long.toString(a), Long.toString(b), options);
        }
        return alt(options);
    }

    /** Adds alternatives for the numbers a..b, both written with the same number of digits. */
    private static void sameLength(String a, String b, List<Expr> out) {
        int n = a.length();
        if (n == 1) {
            out.add(chars(a.charAt(0), b.charAt(0)));
            return;
        }
        char a0 = a.charAt(0), b0 = b.charAt(0);
        String aRest = a.substring(1), bRest = b.substring(1);
        if (a0 == b0) {
            List<Expr> inner = new ArrayList<>();
            sameLength(aRest, bRest, inner);
            out.add(seq(text(String.valueOf(a0)), alt(inner)));
            return;
        }
        boolean aFloor = aRest.chars().allMatch(c -> c == '0');
        boolean bCeil = bRest.chars().allMatch(c -> c == '9');
        char midLo = aFloor ? a0 : (char) (a0 + 1);
        char midHi = bCeil ? b0 : (char) (b0 - 1);
        if (!aFloor) {
            List<Expr> inner = new ArrayList<>();
            sameLength(aRest, "9".repeat(n - 1), inner);
            out.add(seq(text(String.valueOf(a0)), alt(inner)));
        }
        if (midLo <= midHi) out.add(seq(chars(midLo, midHi), repeat(chars('0', '9'), n - 1, n - 1)));
        if (!bCeil) {
            List<Expr> inner = new ArrayList<>();
            sameLength("0".repeat(n - 1), bRest, inner);
            out.add(seq(text(String.valueOf(b0)), alt(inner)));
        }
    }

    private static int digits(long v) {
        return Long.toString(v).length();
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }
}
