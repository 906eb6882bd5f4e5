package hearth.server.router;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes and durations as people write them in flags and preset files: {@code 8G}, {@code 512M}, {@code 10m}, {@code 90}. */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(I?B?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    /**
     * Bytes from {@code 1234}, {@code 512K}, {@code 512M}, {@code 8G}, {@code 1.5T} (also {@code GB}/{@code GiB});
     * the multipliers are powers of 1024, as memory is counted.
     */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 8G, 512M, 1073741824)");
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        double v = Double.parseDouble(m.group(1)) * (1L << shift);
        if (v >= Long.MAX_VALUE) throw new IllegalArgumentException("'" + text + "' is too large");
        return (long) v;
    }

    /** A duration from {@code 90} (seconds), {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 500ms}. */
    public static Duration duration(String text) {
        Matcher m = TIME.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 300, 90s, 10m, 2h)");
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double millis = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1e3;
            case "m" -> v * 60e3;
            case "h" -> v * 3600e3;
            default -> v * 86400e3;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** {@code 1.2 GiB}-style text for logs and the admin API. */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }
}
