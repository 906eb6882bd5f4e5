package hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few non-generation calls the benchmark makes to the server under test, all at the given base URL:
 * {@code GET /v1/models} (to pick the model), {@code GET /metrics} (prefix-cache counters before and after) and
 * {@code POST /tokenize} (to size synthetic prompts with the server's own tokenizer). Only the first is required.
 */
public final class ServerProbe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final HttpClient http;
    private final Duration timeout;

    public ServerProbe(URI base, String apiKey, Duration timeout) {
        this.base = normalize(base);
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /**
     * The server root: what users paste is often {@code http://host:8080/v1} or ends in a slash; both name the
     * same server as {@code http://host:8080}.
     */
    public static URI normalize(URI url) {
        return normalize(url.toString());
    }

    /** As {@link #normalize(URI)}, from what the user typed; {@code host:port} alone means {@code http://host:port}. */
    public static URI normalize(String url) {
        String s = url.strip();
        if (!s.contains("://")) s = "http://" + s;
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (s.endsWith("/v1")) s = s.substring(0, s.length() - 3);
        URI u;
        try {
            u = new URI(s);
        } catch (java.net.URISyntaxException e) {
            u = null;
        }
        if (u == null || u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException("the URL must be http://HOST:PORT or https://..., got '" + url + "'");
        }
        return u;
    }

    static URI at(URI base, String path) {
        return URI.create(normalize(base) + path);
    }

    public URI base() {
        return base;
    }

    /** The first model id of {@code GET /v1/models}; a failure says plainly whether the server is absent or refused the key. */
    public String firstModel() throws BenchException {
        HttpResponse<String> r = get("/v1/models");
        if (r.statusCode() / 100 != 2) {
            RequestError e = new RequestError(ErrorKind.ofStatus(r.statusCode()), r.statusCode(), ChunkReader.abbreviate(r.body()));
            throw new BenchException("GET " + at(base, "/v1/models") + " failed: " + e
                    + (e.kind() == ErrorKind.AUTH ? " (check --api-key)" : ""));
        }
        try {
            JsonNode data = JSON.readTree(r.body()).path("data");
            if (data.isArray() && !data.isEmpty() && data.get(0).path("id").isTextual()) return data.get(0).get("id").textValue();
        } catch (IOException e) {
            // fall through
        }
        throw new BenchException("GET " + at(base, "/v1/models") + " listed no model; pass --model");
    }

    /** The Prometheus text of {@code GET /metrics}, or {@code null} when the server has none. */
    public String metrics() {
        try {
            HttpResponse<String> r = get("/metrics");
            return r.statusCode() == 200 ? r.body() : null;
        } catch (BenchException e) {
            return null;
        }
    }

    /**
     * The server's token count of {@code text} from {@code POST /tokenize} (llama-server's {@code content} and
     * vLLM's {@code prompt} are both sent; either {@code count} or the length of {@code tokens} is read), or -1.
     */
    public int tokenCount(String model, String text) {
        var body = JSON.createObjectNode().put("content", text).put("prompt", text).put("add_special", false);
        if (model != null) body.put("model", model);
        HttpRequest.Builder req = request("/tokenize").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) return -1;
            JsonNode n = JSON.readTree(r.body());
            if (n.path("count").canConvertToInt()) return n.get("count").intValue();
            if (n.path("tokens").isArray()) return n.get("tokens").size();
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(at(base, path)).timeout(timeout);
        if (apiKey != null && !apiKey.isEmpty()) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }

    private HttpResponse<String> get(String path) throws BenchException {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BenchException("cannot reach " + at(base, path) + ": " + StreamClient.ioError(e, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
