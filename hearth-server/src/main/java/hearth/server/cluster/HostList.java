package hearth.server.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * SLURM's compressed host-list syntax, as in {@code SLURM_JOB_NODELIST}: {@code gpu[01-03,07],cpu5} names
 * gpu01, gpu02, gpu03, gpu07 and cpu5. A range keeps the zero padding of its lower bound ({@code [08-10]} gives
 * 08, 09, 10); several bracket groups in one name expand as a product, the leftmost varying slowest
 * ({@code r[1-2]n[1-2]} gives r1n1, r1n2, r2n1, r2n2). Commas separate names only outside brackets.
 */
public final class HostList {
    /** Bigger lists than this are certainly a typo ({@code [1-99999999]}), not a job's nodes. */
    static final int MAX_HOSTS = 65_536;

    private HostList() {}

    /** The host names in order (duplicates kept, as {@code scontrol show hostnames} does). */
    public static List<String> expand(String hostList) {
        List<String> hosts = new ArrayList<>();
        if (hostList == null) return hosts;
        for (String item : splitTopLevel(hostList.strip())) {
            if (item.isBlank()) continue;
            expandItem(item.strip(), hosts);
        }
        return hosts;
    }

    /** Splits at commas that are not inside brackets; refuses unbalanced or nested brackets. */
    static List<String> splitTopLevel(String s) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                if (++depth > 1) throw bad(s, "nested '['");
            } else if (c == ']') {
                if (--depth < 0) throw bad(s, "']' without '['");
            } else if (c == ',' && depth == 0) {
                items.add(s.substring(start, i));
                start = i + 1;
            } else if (Character.isWhitespace(c) && depth == 0) {
                // scontrol also accepts spaces between names
                items.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) throw bad(s, "'[' without ']'");
        items.add(s.substring(start));
        return items;
    }

    private static void expandItem(String item, List<String> out) {
        List<String> prefixes = List.of("");
        int i = 0;
        while (i < item.length()) {
            int open = item.indexOf('[', i);
            String literal = open < 0 ? item.substring(i) : item.substring(i, open);
            prefixes = append(prefixes, List.of(literal), item);
            if (open < 0) break;
            int close = item.indexOf(']', open);
            prefixes = append(prefixes, expandBracket(item.substring(open + 1, close), item), item);
            i = close + 1;
        }
        out.addAll(prefixes);
        if (out.size() > MAX_HOSTS) throw bad(item, "more than " + MAX_HOSTS + " hosts");
    }

    private static List<String> append(List<String> prefixes, List<String> suffixes, String item) {
        if ((long) prefixes.size() * suffixes.size() > MAX_HOSTS) throw bad(item, "more than " + MAX_HOSTS + " hosts");
        List<String> out = new ArrayList<>(prefixes.size() * suffixes.size());
        for (String p : prefixes) {
            for (String s : suffixes) out.add(p + s);
        }
        return out;
    }

    /** The inside of one bracket: {@code 01-03,07}. */
    private static List<String> expandBracket(String body, String item) {
        if (body.isBlank()) throw bad(item, "empty '[]'");
        List<String> out = new ArrayList<>();
        for (String part : body.split(",", -1)) {
            part = part.strip();
            if (part.isEmpty()) throw bad(item, "empty range in '[" + body + "]'");
            int dash = part.indexOf('-');
            if (dash < 0) {
                number(part, item);
                out.add(part);
                continue;
            }
            String lo = part.substring(0, dash).strip();
            String hi = part.substring(dash + 1).strip();
            long from = number(lo, item);
            long to = number(hi, item);
            if (to < from) throw bad(item, "range " + part + " runs backwards");
            if (to - from >= MAX_HOSTS) throw bad(item, "more than " + MAX_HOSTS + " hosts");
            // width of the lower bound sets the padding: [08-10] -> 08 09 10, [8-10] -> 8 9 10
            int width = lo.length();
            for (long n = from; n <= to; n++) out.add(pad(n, width));
        }
        return out;
    }

    private static long number(String s, String item) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(Character::isDigit)) {
            throw bad(item, "'" + s + "' is not a number");
        }
        return Long.parseLong(s);
    }

    private static String pad(long n, int width) {
        String digits = Long.toString(n);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    private static IllegalArgumentException bad(String list, String why) {
        return new IllegalArgumentException("bad SLURM host list '" + list + "': " + why);
    }
}
