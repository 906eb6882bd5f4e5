package hearth.cli.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Asks a server for {@code /health}, {@code /readyz}, {@code /v1/models} and {@code /metrics} with plain
 * java.net.http. Works against Hearth, llama-server and vLLM: each key figure is read from the first series that
 * exists among Hearth's, vLLM's and llama.cpp's names.
 */
public final class HealthProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Label → candidate series (Hearth, vLLM, llama.cpp). */
    static final Map<String, List<String>> KEY_METRICS = keyMetrics();

    private final HttpClient http;
    private final Duration timeout;
    private final String apiKey;

    public HealthProbe(Duration timeout, String apiKey) {
        this.timeout = timeout;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    private static Map<String, List<String>> keyMetrics() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("requests running", List.of("hearth_active_requests", "vllm:num_requests_running", "llamacpp:requests_processing"));
        m.put("requests waiting", List.of("hearth_queue_depth", "vllm:num_requests_waiting", "llamacpp:requests_deferred"));
        m.put("generation tokens/s", List.of("hearth_generation_tokens_per_second", "llamacpp:predicted_tokens_seconds"));
        m.put("prompt tokens", List.of("hearth_prompt_tokens_total", "vllm:prompt_tokens_total", "llamacpp:prompt_tokens_total"));
        m.put("generated tokens", List.of("hearth_generation_tokens_total", "vllm:generation_tokens_total", "llamacpp:tokens_predicted_total"));
        m.put("KV cache used", List.of("vllm:kv_cache_usage_perc", "llamacpp:kv_cache_usage_ratio"));
        m.put("requests answered", List.of("hearth_requests_total"));
        m.put("engine restarts", List.of("hearth_engine_restarts_total"));
        return m;
    }

    public HealthReport probe(URI base) {
        String root = base.toString().replaceAll("/+$", "");
        long t0 = System.nanoTime();
        Answer health;
        try {
            health = get(root + "/health", false);
        } catch (IOException e) {
            return new HealthReport(root, "unreachable", 0, describe(e), millis(t0), "n/a", null, "server unreachable", Map.of());
        }
        long latency = millis(t0);
        String state = healthState(health);
        String ready = readiness(root);
        List<String> models = null;
        String modelsNote = "";
        try {
            Answer a = get(root + "/v1/models", true);
            if (a.status == 200) models = modelIds(a.body);
            else modelsNote = a.status == 401 ? "401: give --api-key" : "HTTP " + a.status;
        } catch (IOException e) {
            modelsNote = describe(e);
        }
        Map<String, String> metrics = Map.of();
        try {
            Answer a = get(root + "/metrics", true);
            if (a.status == 200) metrics = keyFigures(PromText.sums(a.body));
        } catch (IOException ignored) {
            // a server without /metrics still has a health report
        }
        return new HealthReport(root, state, health.status, message(health), latency, ready, models, modelsNote, metrics);
    }

    private record Answer(int status, String body) {}

    private Answer get(String url, boolean auth) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        if (auth && apiKey != null && !apiKey.isBlank()) b.header("Authorization", "Bearer " + apiKey);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** llama-server answers 200 {"status":"ok"} or 503 {"error":{"message":"Loading model",...}}; Hearth alike. */
    private static String healthState(Answer a) {
        if (a.status == 200) return "ok";
        String m = message(a).toLowerCase(Locale.ROOT);
        if (a.status == 503 && m.contains("loading")) return "loading";
        if (a.status == 503 && (m.contains("shutting down") || m.contains("draining"))) return "draining";
        return "error";
    }

    private String readiness(String root) {
        try {
            Answer a = get(root + "/readyz", false);
            if (a.status == 404) return "n/a";
            JsonNode n = JSON.readTree(a.body);
            return n.path("status").asText(a.status == 200 ? "ready" : "not ready");
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String message(Answer a) {
        try {
            JsonNode n = JSON.readTree(a.body);
            if (n.path("error").isObject()) return n.path("error").path("message").asText("");
            if (n.path("error").isTextual()) return n.path("error").asText();
            return n.path("status").asText("");
        } catch (IOException e) {
            return a.body.length() > 200 ? a.body.substring(0, 200) : a.body.strip();
        }
    }

    private static List<String> modelIds(String body) throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : JSON.readTree(body).path("data")) ids.add(m.path("id").asText());
        return ids;
    }

    static Map<String, String> keyFigures(Map<String, Double> series) {
        Map<String, String> out = new LinkedHashMap<>();
        KEY_METRICS.forEach((label, names) -> {
            for (String n : names) {
                Double v = series.get(n);
                if (v == null) continue;
                out.put(label, format(label, n, v));
                break;
            }
        });
        Double used = series.get("hearth_kv_cache_blocks_used");
        Double total = series.get("hearth_kv_cache_blocks_total");
        if (!out.containsKey("KV cache used") && used != null && total != null && total > 0) {
            out.put("KV cache used", String.format(Locale.ROOT, "%.1f%% (%.0f of %.0f blocks)", 100 * used / total, used, total));
        }
        return out;
    }

    private static String format(String label, String name, double v) {
        if (label.equals("KV cache used")) return String.format(Locale.ROOT, "%.1f%%", 100 * v);
        if (label.endsWith("/s")) return String.format(Locale.ROOT, "%.1f", v);
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof HttpTimeoutException) return "timed out";
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
