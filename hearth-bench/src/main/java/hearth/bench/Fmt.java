package hearth.bench;

import java.util.Locale;

/** Number formatting shared by the tables, independent of the default locale. */
public final class Fmt {
    private Fmt() {}

    /** A number without needless decimals: {@code 4}, {@code 2.5}, {@code 0.125}; "-" for NaN. */
    public static String num(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return "inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    /** Fixed decimals; "-" for NaN. */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) return "-";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
