package hearth.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A java.net.http client for tests: JSON requests and SSE streams read event by event, all with timeouts. */
public final class Client implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;

    public Client(URI base) {
        this.base = base;
    }

    /** What a streamed completion delivered. {@code error} is the error event, if one came. */
    public record Stream(int status, String upstream, List<JsonNode> events, boolean done, JsonNode error,
            List<Long> arrivalNanos, String failure) {
        public boolean completed() {
            return status == 200 && done && error == null && failure == null;
        }

        public boolean endedWithCleanError() {
            return error != null && !done && failure == null;
        }
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).DELETE();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static String chat(String model, String user, int maxTokens, boolean stream) {
        return JSON.createObjectNode().put("model", model).put("max_tokens", maxTokens).put("stream", stream)
                .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user").put("content", user)))
                .toString();
    }

    /** Posts a streaming request and reads every event until {@code [DONE]}, the end of the body, or a failure. */
    public Stream stream(String path, String json, String... headers) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) b.headers(headers);
        List<JsonNode> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return new Stream(0, null, events, false, null, arrivals, e.toString());
        }
        String upstream = r.headers().firstValue("x-hearth-upstream").orElse(null);
        boolean done = false;
        JsonNode error = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                String body = String.join("\n", in.lines().toList());
                return new Stream(r.statusCode(), upstream, events, false, JSON.readTree(body).path("error"), arrivals, null);
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                arrivals.add(System.nanoTime());
                if (data.equals("[DONE]")) {
                    done = true;
                    continue;
                }
                JsonNode ev = JSON.readTree(data);
                if (ev.has("error")) error = ev.get("error");
                else events.add(ev);
            }
        } catch (IOException e) {
            return new Stream(r.statusCode(), upstream, events, done, error, arrivals, e.toString());
        }
        return new Stream(r.statusCode(), upstream, events, done, error, arrivals, null);
    }

    public static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    public URI base() {
        return base;
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        http.close();
    }
}
