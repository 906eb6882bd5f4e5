package hearth.server.backend.launch;

import static hearth.server.backend.launch.ProfilePlans.command;
import static hearth.server.backend.launch.ProfilePlans.flags;
import static hearth.server.backend.launch.ProfilePlans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seed 004: GLM-Image with SGLang, offline, on port 30000. */
class GlmImageSglangProfileTest {
    static final String ONE_H20 = "0, NVIDIA H20, 97871, 0\n";

    @Test
    void theLauncherCommandLineFlagByFlag() {
        LaunchPlan plan = plan("glm-image-sglang", Map.of(), ONE_H20, Map.of());
        LaunchStep engine = plan.engine().orElseThrow();
        assertThat(plan.helpers()).isEmpty();
        assertThat(command(engine.argv())).containsExactly("python3");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("-m", "sglang.launch_server");
        expected.put("--model-path", "/app/models/GLM-Image");
        expected.put("--served-model-name", "GLM-Image");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "31000");
        expected.put("--trust-remote-code", "");
        assertThat(flags(engine.argv())).containsExactlyEntriesOf(expected);
        assertThat(engine.health()).contains(URI.create("http://127.0.0.1:31000/health"));
    }

    @Test
    void theEngineRunsOfflineWithTheModelCache() {
        LaunchStep engine = plan("glm-image-sglang", Map.of(), ONE_H20, Map.of()).engine().orElseThrow();
        assertThat(engine.env()).containsExactlyInAnyOrderEntriesOf(Map.of("HF_HUB_OFFLINE", "1", "HF_HOME", "/app/models"));
        assertThat(engine.shellLine()).startsWith("HF_HOME=/app/models HF_HUB_OFFLINE=1 python3 -m sglang.launch_server");
    }

    @Test
    void modelPathAndLauncherAreSettings() {
        LaunchStep engine = plan("glm-image-sglang", Map.of("MODEL_PATH", "/models/GLM-Image", "HF_HOME", "/cache"), ONE_H20,
                Map.of("sglang-command", "sglang serve", "tensor-parallel-size", "auto", "mem-fraction-static", "0.8"))
                .engine().orElseThrow();
        assertThat(command(engine.argv())).containsExactly("sglang", "serve");
        assertThat(flags(engine.argv())).containsEntry("--model-path", "/models/GLM-Image").containsEntry("--tp", "1")
                .containsEntry("--mem-fraction-static", "0.8");
        assertThat(engine.env()).containsEntry("HF_HOME", "/cache");
    }
}
