package hearth.server.cluster;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a serving process tells the gateway about itself (DESIGN.md "Registry"):
 * {@code {"name","tier","url","models":[...],"job_id","started","heartbeat"}}, times in ISO-8601 UTC.
 *
 * @param jobId the SLURM job id, or null outside SLURM
 */
public record RegistryEntry(String name, String tier, String url, List<String> models, String jobId, Instant started,
                            Instant heartbeat) {
    public RegistryEntry {
        models = List.copyOf(models);
        if (name == null || !name.matches("[A-Za-z0-9._:@-]{1,128}")) {
            throw new IllegalArgumentException("registry name must be 1-128 of A-Z a-z 0-9 . _ : @ -, got " + name);
        }
        started = started.truncatedTo(ChronoUnit.MILLIS);
        heartbeat = heartbeat.truncatedTo(ChronoUnit.MILLIS);
    }

    public RegistryEntry withHeartbeat(Instant now) {
        return new RegistryEntry(name, tier, url, models, jobId, started, now);
    }

    public RegistryEntry withModels(List<String> now) {
        return new RegistryEntry(name, tier, url, now, jobId, started, heartbeat);
    }

    /** The JSON object, fields in the documented order, on one line. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "name", name).append(',');
        field(sb, "tier", tier).append(',');
        field(sb, "url", url).append(",\"models\":[");
        for (int i = 0; i < models.size(); i++) {
            if (i > 0) sb.append(',');
            quote(sb, models.get(i));
        }
        sb.append("],");
        field(sb, "job_id", jobId).append(',');
        field(sb, "started", started.toString()).append(',');
        field(sb, "heartbeat", heartbeat.toString());
        return sb.append('}').toString();
    }

    private static StringBuilder field(StringBuilder sb, String key, String value) {
        quote(sb, key).append(':');
        return value == null ? sb.append("null") : quote(sb, value);
    }

    static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"');
    }
}
