package hearth.server;

import static hearth.server.backend.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hearth.engine.TestData;
import hearth.server.backend.EngineKind;
import hearth.server.backend.ProcessBackend;
import hearth.server.backend.ProcessSupervisor;
import hearth.server.backend.launch.EngineLaunch;
import hearth.server.backend.launch.LaunchPlan;
import hearth.server.cluster.Settings;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A real llama-server (from {@code $LLAMA_SERVER} or PATH) serving stories260K behind Hearth. Skipped when there
 * is no llama-server binary.
 */
class RealLlamaServerTest {
    static Optional<Path> llamaServer() {
        String explicit = System.getenv("LLAMA_SERVER");
        if (explicit != null && Files.isExecutable(Path.of(explicit))) return Optional.of(Path.of(explicit));
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String d : path.split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "llama-server");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    @Test
    void hearthServesAGgufThroughARealLlamaServer() throws Exception {
        Optional<Path> bin = llamaServer();
        assumeTrue(bin.isPresent(), "skipped: no llama-server on PATH (or $LLAMA_SERVER)");
        Path model = TestData.require(TestServer.STORIES);
        Settings s = Settings.of(Map.of("llama-server-bin", bin.get().toString(), "model", model.toString(), "engine-port", "0",
                "ctx-size", "256", "parallel", "1", "threads", "1", "nvidia-smi", "/nonexistent/nvidia-smi"));
        EngineLaunch launch = EngineLaunch.detect(EngineKind.LLAMA_SERVER, s, Map.of());
        LaunchPlan plan = launch.plan();
        ProcessBackend backend = new ProcessBackend(launch.modelId().orElseThrow(), true, plan, ProcessSupervisor.Config.defaults(),
                Duration.ofSeconds(60), Duration.ofSeconds(10));
        try (TestServer hearth = TestServer.over(ServerConfig.defaults(), backend)) {
            backend.start();
            assertThat(await(() -> hearth.get("/readyz").statusCode() == 200, Duration.ofSeconds(60))).isTrue();
            HttpResponse<String> r = hearth.post("/v1/completions", "{\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"text\"", "\"completion_tokens\":8");
            assertThat(hearth.get("/v1/models").body()).contains("stories260K");
            HttpResponse<String> stream = hearth.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":4,\"stream\":true}");
            assertThat(stream.body()).contains("data: ").endsWith("data: [DONE]\n\n");
        }
    }
}
