package hearth.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minimal reader of the Prometheus text exposition format: each sample's value summed over its label sets, by
 * metric name. Enough to difference counters before and after a run without caring about a server's labels.
 */
public final class PromText {
    private PromText() {}

    /** Metric name to the sum of its samples' values; lines that do not parse are skipped. */
    public static Map<String, Double> sums(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (text == null) return out;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) i++;
            String name = line.substring(0, i);
            if (i < line.length() && line.charAt(i) == '{') {
                i = closingBrace(line, i);
                if (i < 0) continue;
                i++;
            }
            String[] rest = line.substring(i).strip().split("\\s+");
            if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) continue;
            double v;
            try {
                v = Double.parseDouble(rest[0].replace("Inf", "Infinity"));
            } catch (NumberFormatException e) {
                continue;
            }
            out.merge(name, v, Double::sum);
        }
        return out;
    }

    /** Index of the '}' closing the label set that opens at {@code open}, skipping quoted values; -1 if none. */
    private static int closingBrace(String s, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '}') {
                return i;
            }
        }
        return -1;
    }
}
