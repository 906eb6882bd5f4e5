package hearth.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Service-level objectives for goodput, in milliseconds; a null bound is not checked. A request is good when it
 * succeeded and meets every bound: TTFT, TPOT (a one-token answer has TPOT 0, as in vLLM) and E2E latency.
 */
public record Slo(Double ttftMs, Double tpotMs, Double e2eMs) {
    public static final Slo NONE = new Slo(null, null, null);

    /** Parses {@code ttft_ms=500 tpot_ms=50 e2e_ms=3000} pairs ({@code :} works too, vLLM style; {@code e2el} is an alias). */
    public static Slo parse(List<String> pairs) {
        Double ttft = null, tpot = null, e2e = null;
        for (String pair : pairs) {
            for (String p : pair.split("[,\\s]+")) {
                if (p.isBlank()) continue;
                int at = p.indexOf('=') >= 0 ? p.indexOf('=') : p.indexOf(':');
                if (at < 0) throw new IllegalArgumentException("an SLO is NAME=MS, e.g. ttft_ms=500; got '" + p + "'");
                String key = p.substring(0, at).strip().toLowerCase(Locale.ROOT).replace("-", "_");
                double v;
                try {
                    v = Double.parseDouble(p.substring(at + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("SLO " + key + " needs a number of milliseconds, got '" + p + "'");
                }
                if (!(v > 0)) throw new IllegalArgumentException("SLO " + key + " must be > 0 ms");
                switch (key.endsWith("_ms") ? key.substring(0, key.length() - 3) : key) {
                    case "ttft" -> ttft = v;
                    case "tpot" -> tpot = v;
                    case "e2e", "e2el" -> e2e = v;
                    default -> throw new IllegalArgumentException("unknown SLO '" + key + "' (ttft_ms, tpot_ms, e2e_ms)");
                }
            }
        }
        return new Slo(ttft, tpot, e2e);
    }

    public boolean any() {
        return ttftMs != null || tpotMs != null || e2eMs != null;
    }

    public boolean met(RequestResult r) {
        if (!r.ok()) return false;
        if (ttftMs != null && (r.ttftNanos() < 0 || r.ttftNanos() / 1e6 > ttftMs)) return false;
        double tpot = Double.isNaN(r.tpotNanos()) ? 0 : r.tpotNanos() / 1e6;
        if (tpotMs != null && tpot > tpotMs) return false;
        return e2eMs == null || r.e2eNanos() / 1e6 <= e2eMs;
    }

    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ttft_ms", ttftMs);
        p.put("tpot_ms", tpotMs);
        p.put("e2e_ms", e2eMs);
        return p;
    }
}
