package hearth.cli.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough of the Prometheus text format for a summary: each series' value summed over its label sets
 * ({@code name{a="x"} 3} and {@code name{a="y"} 4} give {@code name → 7}). Comments, histograms' buckets and
 * unparsable lines are skipped.
 */
public final class PromText {
    private PromText() {}

    public static Map<String, Double> sums(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (space < 0) continue;
            String name;
            String rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int close = closingBrace(line, brace);
                if (close < 0) continue;
                rest = line.substring(close + 1).strip();
            } else {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            }
            if (name.endsWith("_bucket")) continue;
            String value = rest.split("\\s+")[0];
            try {
                out.merge(name, Double.parseDouble(value), Double::sum);
            } catch (NumberFormatException e) {
                // NaN spelled oddly or a truncated line: leave the series out
            }
        }
        return out;
    }

    /** The index of the '}' closing the label set, skipping quoted label values (which may hold '}'). */
    private static int closingBrace(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (c == '}' && !quoted) return i;
        }
        return -1;
    }
}
