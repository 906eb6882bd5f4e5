package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A real {@code hearth serve --mock} child process and {@code kill -TERM}: drain, finish in-flight work, exit 0. */
@DisabledOnOs(OS.WINDOWS)
class ServeSigtermTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpRequest completion(ServeProcess p, int maxTokens) {
        return HttpRequest.newBuilder(p.base.resolve("/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a\",\"max_tokens\":" + maxTokens + "}")).build();
    }

    private static int status(ServeProcess p, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(p.base.resolve(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitReady(ServeProcess p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (status(p, "/readyz") != 200) {
            assertThat(System.nanoTime()).as("ready in time").isLessThan(end);
            Thread.sleep(50);
        }
    }

    @Test
    void sigtermLetsTheRunningRequestFinishThenExitsZero(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "MOCK_TPS=20\nMOCK_TTFT_MS=0\n"); // .env is read from the working directory
        try (ServeProcess p = new ServeProcess(dir, "--mock", "--shutdown-grace", "20")) {
            awaitReady(p);
            CompletableFuture<HttpResponse<String>> running = HTTP.sendAsync(completion(p, 30), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300); // the request is generating (30 tokens at 20/s = 1.5 s)
            p.term();
            p.await(Pattern.compile("SIGTERM: draining"), 10);
            assertThat(status(p, "/readyz")).isEqualTo(503);
            assertThat(HTTP.send(completion(p, 1), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            HttpResponse<String> done = running.get(20, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("\"completion_tokens\":30");
            assertThat(p.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process.exitValue()).isZero();
            assertThat(p.log).anyMatch(l -> l.contains("--mock-tps = 20.0  (dotenv MOCK_TPS)"));
        }
    }

    @Test
    void aSecondSigtermExitsAtOnce(@TempDir Path dir) throws Exception {
        try (ServeProcess p = new ServeProcess(dir, "--mock", "--mock-tps", "10", "--shutdown-grace", "60")) {
            awaitReady(p);
            HTTP.sendAsync(completion(p, 1000), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(300);
            p.term();
            p.await(Pattern.compile("SIGTERM: draining"), 10);
            long start = System.nanoTime();
            p.term();
            assertThat(p.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(5);
            assertThat(p.process.exitValue()).isEqualTo(143);
        }
    }
}
