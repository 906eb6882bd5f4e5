package hearth.gateway.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The registry's JSON object, read leniently where the meaning is clear and refused with a reason where it is
 * not: {@code {"name","tier","url"}} or {@code host}+{@code port} instead of {@code url}, optional
 * {@code models}, {@code job_id}, {@code started}, {@code heartbeat} (ISO-8601 or epoch seconds).
 */
public final class EndpointFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private EndpointFile() {}

    /** Why an endpoint object was ignored; the message is what the log and {@code /gateway/status} show. */
    public static final class Invalid extends Exception {
        public Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    public static Endpoint parse(byte[] json, Endpoint.Source source) throws Invalid {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new Invalid("not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new Invalid("unreadable: " + e.getMessage());
        }
        return parse(node, source);
    }

    public static Endpoint parse(JsonNode node, Endpoint.Source source) throws Invalid {
        if (node == null || !node.isObject()) throw new Invalid("expected a JSON object");
        String name = text(node, "name");
        if (name == null) throw new Invalid("missing \"name\"");
        if (!NAME.matcher(name).matches()) throw new Invalid("\"name\" must be 1-128 of A-Z a-z 0-9 . _ : @ -");
        String tier = text(node, "tier");
        if (tier == null) throw new Invalid("missing \"tier\"");
        URI url = url(node);
        Instant started = instant(node, "started");
        Instant heartbeat = instant(node, "heartbeat");
        String jobId = node.hasNonNull("job_id") ? node.get("job_id").asText() : null;
        int maxConcurrent = node.path("max_concurrent").asInt(0);
        return new Endpoint(name, tier, url, models(node), jobId, started, heartbeat, source, null, maxConcurrent);
    }

    private static String text(JsonNode node, String field) throws Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new Invalid("\"" + field + "\" must be a string");
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static URI url(JsonNode node) throws Invalid {
        String url = text(node, "url");
        if (url == null) {
            String host = text(node, "host");
            JsonNode port = node.get("port");
            if (host == null || port == null || !port.canConvertToInt())
                throw new Invalid("needs \"url\" or \"host\" and \"port\"");
            int p = port.asInt();
            if (p < 1 || p > 65535) throw new Invalid("\"port\" out of range: " + p);
            url = "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + p;
        }
        try {
            URI u = new URI(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()))
                throw new Invalid("\"url\" must be http:// or https://: " + url);
            if (u.getHost() == null) throw new Invalid("\"url\" has no host: " + url);
            return u;
        } catch (URISyntaxException e) {
            throw new Invalid("\"url\" is not a URL: " + e.getMessage());
        }
    }

    private static List<String> models(JsonNode node) throws Invalid {
        JsonNode v = node.get("models");
        if (v == null || v.isNull()) return List.of();
        if (v.isTextual()) return List.of(v.asText());
        if (!v.isArray()) throw new Invalid("\"models\" must be a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode m : v) {
            // tolerate {"id": ...} objects as /v1/models lists them
            String id = m.isTextual() ? m.asText() : m.path("id").asText(null);
            if (id == null || id.isBlank()) throw new Invalid("\"models\" entries must be strings");
            out.add(id);
        }
        return out;
    }

    /** ISO-8601 (with offset or {@code Z}) or epoch seconds, possibly fractional, as number or string. */
    static Instant instant(JsonNode node, String field) throws Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return epoch(v.asDouble());
        String s = v.asText().trim();
        try {
            return epoch(Double.parseDouble(s));
        } catch (NumberFormatException notNumber) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(s);
                } catch (DateTimeParseException e2) {
                    throw new Invalid("\"" + field + "\" is neither ISO-8601 nor epoch seconds: " + s);
                }
            }
        }
    }

    private static Instant epoch(double seconds) {
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
    }
}
