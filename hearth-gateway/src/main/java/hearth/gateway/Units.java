package hearth.gateway;

import java.time.Duration;
import java.util.Locale;

/** Human-written durations ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, a bare number = seconds) and sizes. */
public final class Units {
    private Units() {}

    /** The shorter of two timeouts, zero meaning none. */
    public static Duration finest(Duration a, Duration b) {
        if (a.isZero()) return b;
        if (b.isZero()) return a;
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static Duration duration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            long unitMillis = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
                case 's' -> 1000L;
                case 'm' -> 60_000L;
                case 'h' -> 3_600_000L;
                default -> 0L;
            };
            if (unitMillis == 0) return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            double n = Double.parseDouble(s.substring(0, s.length() - 1).trim());
            return Duration.ofMillis(Math.round(n * unitMillis));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 250ms, 5s, 2m)");
        }
    }

    /** Bytes from {@code 512}, {@code 64k}, {@code 16m}, {@code 16MiB}, {@code 1g} (binary multiples). */
    public static long bytes(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        try {
            long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1L;
            };
            String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
            return Math.round(Double.parseDouble(digits.trim()) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 1048576, 64k, 16MiB)");
        }
    }

    /** A rate such as {@code 10/s}, {@code 600/m}, {@code 3600/h}, or a bare number (per second), in requests per second. */
    public static double rate(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int slash = s.indexOf('/');
        try {
            if (slash < 0) return Double.parseDouble(s);
            double n = Double.parseDouble(s.substring(0, slash).trim());
            String per = s.substring(slash + 1).trim();
            double seconds = switch (per) {
                case "s", "sec", "second" -> 1;
                case "m", "min", "minute" -> 60;
                case "h", "hour" -> 3600;
                default -> throw new IllegalArgumentException("unknown rate unit '" + per + "'");
            };
            return n / seconds;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a rate: '" + text + "' (use e.g. 10/s or 600/m)");
        }
    }

    /** Compact form for logs and generated files: whole seconds when exact, else milliseconds. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
