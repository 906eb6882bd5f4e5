package hearth.cli;

import hearth.cli.health.HealthReport;
import hearth.server.http.Json;
import java.util.Map;

/** How {@code hearth health} prints a report: aligned lines for people, one JSON object for scripts. */
final class HealthFormat {
    private HealthFormat() {}

    static String text(HealthReport r) {
        StringBuilder sb = new StringBuilder(r.url()).append('\n');
        String health = r.health() + (r.httpStatus() > 0 ? " (HTTP " + r.httpStatus() + ", " + r.latencyMs() + " ms)" : "")
                + (r.detail().isEmpty() || r.detail().equals("ok") ? "" : ": " + r.detail());
        line(sb, "health", health);
        if (r.health().equals("unreachable")) return sb.toString();
        line(sb, "ready", r.ready());
        line(sb, "models", r.models() == null ? "? (" + r.modelsNote() + ")"
                : r.models().isEmpty() ? "(none loaded)" : String.join(", ", r.models()));
        for (Map.Entry<String, String> m : r.metrics().entrySet()) line(sb, m.getKey(), m.getValue());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append("  ").append(label).append(" ".repeat(Math.max(1, 21 - label.length()))).append(value).append('\n');
    }

    static String json(HealthReport r) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"url\":").append(Json.writeString(r.url()));
        sb.append(",\"health\":").append(Json.writeString(r.health()));
        sb.append(",\"http_status\":").append(r.httpStatus());
        sb.append(",\"detail\":").append(Json.writeString(r.detail()));
        sb.append(",\"latency_ms\":").append(r.latencyMs());
        sb.append(",\"ready\":").append(Json.writeString(r.ready()));
        sb.append(",\"models\":");
        if (r.models() == null) {
            sb.append("null");
        } else {
            sb.append('[');
            for (int i = 0; i < r.models().size(); i++) sb.append(i > 0 ? "," : "").append(Json.writeString(r.models().get(i)));
            sb.append(']');
        }
        sb.append(",\"metrics\":{");
        boolean first = true;
        for (Map.Entry<String, String> m : r.metrics().entrySet()) {
            sb.append(first ? "" : ",").append(Json.writeString(m.getKey())).append(':').append(Json.writeString(m.getValue()));
            first = false;
        }
        return sb.append("}}\n").toString();
    }
}
