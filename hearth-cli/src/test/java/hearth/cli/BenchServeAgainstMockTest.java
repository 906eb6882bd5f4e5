package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hearth bench serve} against a real {@code hearth serve --mock} child process, whose engine steps at a set
 * rate (100 tokens/s: 10 ms a step) and spends 50 ms more on a step that starts a sequence. Measured TTFT, TPOT
 * and throughput must match that schedule; 429s, a wrong key and a killed server must show as such.
 */
@DisabledOnOs(OS.WINDOWS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BenchServeAgainstMockTest {
    static final double STEP_MS = 10, PREFILL_MS = 50;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    ServeProcess server;

    @BeforeAll
    void startServer() throws Exception {
        server = new ServeProcess(dir, "--mock", "--mock-tps", "100", "--mock-ttft-ms", "50", "--parallel", "4",
                "--queue-size", "8", "--api-key", "right-key");
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (http.send(HttpRequest.newBuilder(server.base.resolve("/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready in time").isLessThan(end);
            Thread.sleep(50);
        }
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    /** Runs {@code hearth bench serve} in this JVM; returns exit code, stdout, stderr and the JSON result (or null). */
    record Run(int exit, String out, String err, JsonNode json) {
        JsonNode summary() {
            return json.path("runs").get(0).path("summary");
        }
    }

    Run bench(String... args) throws Exception {
        Path json = dir.resolve("r" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of("bench", "serve", "--url", server.base.toString(), "--json", json.toString(), "--quiet"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter(), err = new StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(all.toArray(String[]::new));
        System.out.print(out); // the tables, for whoever reads the test log
        JsonNode node = json.toFile().exists() ? JSON.readTree(json.toFile()) : null;
        return new Run(code, out.toString(), err.toString(), node);
    }

    @Test
    void oneClientSeesTheMocksFirstTokenDelayAndStepTime() throws Exception {
        Run r = bench("--api-key", "right-key", "--concurrency", "1", "--num-prompts", "6", "--prompt-len", "32", "--output-len", "20");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode s = r.summary();
        assertThat(s.path("completed").asInt()).isEqualTo(6);
        assertThat(s.path("output_tokens").asInt()).isEqualTo(120);
        assertThat(s.path("short_requests").asInt()).isZero();
        assertThat(s.path("output_counted_from_usage").asInt()).isEqualTo(6);
        // the first token comes out of the first step: prefill time plus one step
        assertThat(s.path("ttft_ms").path("mean").asDouble()).isBetween(PREFILL_MS + STEP_MS - 1, (PREFILL_MS + STEP_MS) * 1.5 + 10);
        // a step is never shorter than its sleep; engine work and a loaded machine only add to it
        assertThat(s.path("tpot_ms").path("mean").asDouble()).isBetween(STEP_MS - 0.5, STEP_MS + 4);
        assertThat(s.path("itl_ms").path("median").asDouble()).isBetween(STEP_MS - 0.5, STEP_MS + 4);
        double e2e = PREFILL_MS + 20 * STEP_MS;
        assertThat(s.path("e2e_ms").path("mean").asDouble()).isBetween(e2e - 1, e2e * 1.3 + 10);
        assertThat(s.path("request_throughput").asDouble()).isCloseTo(1000 / e2e, within(1000 / e2e * 0.3));
        assertThat(r.json().path("parameters").path("model").asText()).isEqualTo("mock");
        assertThat(r.out()).contains("Successful requests:").contains("TPOT");
    }

    @Test
    void fourClientsShareTheBatchedSteps() throws Exception {
        Run r = bench("--api-key", "right-key", "--concurrency", "4", "--num-prompts", "16", "--prompt-len", "32", "--output-len", "20");
        JsonNode s = r.summary();
        assertThat(s.path("completed").asInt()).isEqualTo(16);
        // 4 sequences advance together at 100 steps/s: 400 tokens/s at most. One client alone gets 20 tokens per
        // 50 + 20 x 10 ms = 80 tokens/s; each start stalls every sequence 50 ms, so 4 clients get well under 4x that
        // but, batched, clearly more than 1.5x
        assertThat(s.path("output_throughput").asDouble()).isBetween(120.0, 400.0);
        assertThat(s.path("tpot_ms").path("mean").asDouble()).isBetween(STEP_MS - 0.5, STEP_MS + 3 * PREFILL_MS / 19 + 6);
        assertThat(s.path("max_concurrency").asInt()).isEqualTo(4);
    }

    @Test
    void agentTurnsHitHearthsPrefixCache() throws Exception {
        Run r = bench("--api-key", "right-key", "--endpoint", "/v1/chat/completions", "--dataset", "agent", "--turns", "3",
                "--system-len", "200", "--prompt-len", "40", "--output-len", "8", "--concurrency", "2", "--num-prompts", "12");
        JsonNode cache = r.summary().path("prefix_cache");
        assertThat(cache.path("family").asText()).isEqualTo("hearth_");
        assertThat(cache.path("queries").asDouble()).isPositive();
        assertThat(cache.path("hit_rate").asDouble()).isGreaterThan(0.3);
        assertThat(r.out()).contains("Prefix cache hit rate:");
    }

    @Test
    void overflowingTheQueueIsCountedAsRateLimited() throws Exception {
        // 4 running + 8 queued: more clients than that get 429
        Run r = bench("--api-key", "right-key", "--concurrency", "24", "--num-prompts", "48", "--prompt-len", "16", "--output-len", "10",
                "--warmup", "0");
        JsonNode s = r.summary();
        assertThat(s.path("errors").path("rate_limited").asInt()).isPositive();
        assertThat(s.path("completed").asInt()).isPositive();
        assertThat(s.path("completed").asInt() + s.path("failed").asInt()).isEqualTo(48);
        assertThat(r.out()).contains("rate_limited").contains("HTTP 429");
    }

    @Test
    void aWrongKeyIsRefusedBeforeTheRunOrCountedWhenTheModelIsGiven() throws Exception {
        Run refused = bench("--api-key", "wrong", "--num-prompts", "3");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("hearth bench: error:").contains("401").contains("--api-key");
        Run counted = bench("--api-key", "wrong", "--model", "mock", "--num-prompts", "3", "--warmup", "0");
        assertThat(counted.exit()).isEqualTo(1);
        assertThat(counted.summary().path("errors").path("auth").asInt()).isEqualTo(3);
        assertThat(counted.out()).contains("auth").contains("HTTP 401");
    }
    /** Last, as it kills the shared server: cut streams and refused connections are counted and the run stops. */
    @Test
    @Order(Integer.MAX_VALUE)
    void killingTheServerMidRunIsReportedAndEndsTheRun() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        double before = generated(http);
        // 20 tokens at 100/s: about a quarter second a request; the process is killed once 5 requests' tokens are out
        Thread.ofVirtual().start(() -> {
            try {
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (generated(http) - before < 100 && System.nanoTime() < giveUp) Thread.sleep(50);
                server.process.destroyForcibly();
            } catch (Exception ignored) {
                // the test is over or the server already gone
            }
        });
        long t0 = System.nanoTime();
        Run r = bench("--api-key", "right-key", "--concurrency", "2", "--num-prompts", "200", "--prompt-len", "16", "--output-len", "20",
                "--warmup", "0");
        double took = (System.nanoTime() - t0) / 1e9;
        JsonNode s = r.summary();
        assertThat(r.exit()).as(r.err()).isZero(); // some requests succeeded
        assertThat(s.path("completed").asInt()).isPositive();
        assertThat(s.path("errors").path("incomplete").asInt() + s.path("errors").path("connect").asInt()).isGreaterThanOrEqualTo(10);
        assertThat(s.path("stopped_early").asText()).contains("cannot connect");
        assertThat(r.out()).contains("Stopped early:").contains("connection");
        assertThat(took).isLessThan(15);
    }

    /** {@code hearth_generation_tokens_total} of the server's /metrics. */
    double generated(HttpClient http) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(server.base.resolve("/metrics")).header("Authorization", "Bearer right-key").build();
        String text = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        return hearth.bench.PromText.sums(text).getOrDefault("hearth_generation_tokens_total", 0.0);
    }
}
