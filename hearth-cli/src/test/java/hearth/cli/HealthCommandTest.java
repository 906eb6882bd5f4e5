package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hearth health} against stand-in servers speaking Hearth's, llama-server's and vLLM's endpoints. */
class HealthCommandTest {
    HttpServer server;
    final Map<String, Reply> routes = new HashMap<>();

    record Reply(int status, String body, String requiredKey) {}

    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    private void answer(HttpExchange ex) throws IOException {
        Reply r = routes.getOrDefault(ex.getRequestURI().getPath(), new Reply(404, "{\"error\":{\"message\":\"File Not Found\"}}", null));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (r.requiredKey() != null && !("Bearer " + r.requiredKey()).equals(auth)) {
            r = new Reply(401, "{\"error\":{\"message\":\"Invalid API key\",\"type\":\"authentication_error\"}}", null);
        }
        byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(r.status(), b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    record Result(int status, String out) {}

    Result run(String... args) {
        HealthCommand cmd = new HealthCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        cmd.env = Map.of();
        int status = new CommandLine(cmd).execute(args);
        return new Result(status, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aHealthyHearthShowsItsModelsAndKeyMetrics() throws IOException {
        routes.put("/health", new Reply(200, "{\"status\":\"ok\"}", null));
        routes.put("/readyz", new Reply(200, "{\"status\":\"ready\"}", null));
        routes.put("/v1/models", new Reply(200, "{\"object\":\"list\",\"data\":[{\"id\":\"glm-5\",\"object\":\"model\"}]}", "k1"));
        routes.put("/metrics", new Reply(200, """
                hearth_active_requests{model="glm-5"} 1.0
                hearth_queue_depth{model="glm-5"} 0.0
                hearth_generation_tokens_per_second{model="glm-5"} 7.5
                hearth_prompt_tokens_total{model="glm-5"} 1200.0
                hearth_generation_tokens_total{model="glm-5"} 300.0
                hearth_requests_total{model="glm-5",status="200"} 9.0
                """, "k1"));
        serve();
        Result r = run(base(), "--api-key", "k1");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith(base() + "\n  health               ok (HTTP 200, ");
        assertThat(r.out()).contains("  ready                ready\n", "  models               glm-5\n",
                "  requests running     1\n", "  requests waiting     0\n", "  generation tokens/s  7.5\n",
                "  prompt tokens        1200\n", "  generated tokens     300\n", "  requests answered    9\n");
    }

    @Test
    void withoutTheKeyTheModelsAreUnknownButHealthIsStillShown() throws IOException {
        routes.put("/health", new Reply(200, "{\"status\":\"ok\"}", null));
        routes.put("/v1/models", new Reply(200, "{\"data\":[]}", "k1"));
        serve();
        Result r = run(base());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("models               ? (401: give --api-key)", "ready                n/a");
    }

    @Test
    void aLoadingLlamaServerIsNotHealthy() throws IOException {
        routes.put("/health", new Reply(503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}", null));
        routes.put("/v1/models", new Reply(200, "{\"data\":[{\"id\":\"OR1-Behemoth\"}]}", null));
        routes.put("/metrics", new Reply(200, "llamacpp:requests_processing 0\nllamacpp:kv_cache_usage_ratio 0.5\n", null));
        serve();
        Result r = run(base());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("health               loading (HTTP 503", "Loading model", "models               OR1-Behemoth",
                "KV cache used        50.0%");
    }

    @Test
    void anUnreachableServerFailsFastAndSaysSo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Result r = run("127.0.0.1:" + port, "--timeout", "2");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("http://127.0.0.1:" + port + "\n  health               unreachable: connection refused\n");
        assertThat(run("127.0.0.1:" + port, "-q").out()).isEmpty();
    }

    @Test
    void jsonOutputIsOneObject() throws IOException {
        routes.put("/health", new Reply(200, "{\"status\":\"ok\"}", null));
        routes.put("/v1/models", new Reply(200, "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", null));
        routes.put("/metrics", new Reply(200, "vllm:num_requests_waiting{model_name=\"a\"} 4\n", null));
        serve();
        Result r = run(base(), "--json");
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertThat(n.get("health").asText()).isEqualTo("ok");
        assertThat(n.get("http_status").asInt()).isEqualTo(200);
        assertThat(n.get("models")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(n.get("metrics").get("requests waiting").asText()).isEqualTo("4");
    }

    @Test
    void theDefaultTargetComesFromTheEnvironment() {
        HealthCommand c = new HealthCommand();
        c.env = Map.of("PORT", "8081");
        assertThat(c.target().toString()).isEqualTo("http://127.0.0.1:8081");
        c.env = Map.of("HEARTH_URL", "http://hpc-glm5:8080", "PORT", "1");
        assertThat(c.target().toString()).isEqualTo("http://hpc-glm5:8080");
        c.url = "hpc-glm5:9000";
        assertThat(c.target().toString()).isEqualTo("http://hpc-glm5:9000");
    }
}
