package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.TestData;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth serve} as a real process: router mode over a directory, and the no-model case offline. */
class ServeRouterProcessTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> send(HttpClient http, HttpRequest r) throws IOException, InterruptedException {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routerModeServesEachModelOfTheDirectoryByName() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models-dir"));
        for (String m : List.of("stories260K", "llama-2-tiny-random")) Files.copy(TestData.require("models/" + m + ".gguf"), models.resolve(m + ".gguf"));
        try (ServeProcess p = new ServeProcess(dir, "--models-dir", models.toString(), "--models-max", "1", "--threads", "1", "--ctx-size", "256");
             HttpClient http = HttpClient.newHttpClient()) {
            p.await(Pattern.compile("router: 2 model\\(s\\)"), 10);
            for (String m : List.of("stories260K", "llama-2-tiny-random")) {
                HttpResponse<String> r = send(http, HttpRequest.newBuilder(p.base.resolve("/v1/completions")).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + m + "\",\"prompt\":\"Once\",\"max_tokens\":2}")).build());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"model\":\"" + m + "\"");
            }
            String list = send(http, HttpRequest.newBuilder(p.base.resolve("/models")).GET().build()).body();
            assertThat(list).contains("\"id\":\"stories260K\"", "\"status\":\"unloaded\"", "\"id\":\"llama-2-tiny-random\"", "\"status\":\"loaded\"");
            p.await(Pattern.compile("model 'stories260K' unloaded \\(lru\\)"), 10);
        }
    }

    @Test
    void withNoModelOfflineAndNothingCachedItSaysHowToPassOne() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "hearth.cli.Main", "serve", "--port", "0")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("HF_HUB_OFFLINE", "1");
        pb.environment().put("HEARTH_CACHE", dir.resolve("cache").toString());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isEqualTo(2);
            assertThat(out).contains("no model was given (--model FILE or --models-dir DIR), so Hearth tried the default model "
                    + "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M").contains("--model PATH").contains("offline mode (HF_HUB_OFFLINE) is on");
        } finally {
            p.destroyForcibly();
        }
    }
}
