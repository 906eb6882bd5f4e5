package hearth.server.backend.launch;

import static hearth.server.backend.launch.ProfilePlans.FOUR_L40S;
import static hearth.server.backend.launch.ProfilePlans.command;
import static hearth.server.backend.launch.ProfilePlans.flags;
import static hearth.server.backend.launch.ProfilePlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.server.backend.EngineKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 000: GLM-5 on one node with 4 L40S through llama-server. */
class Glm5LlamaProfileTest {
    final Map<String, String> job = Map.of("SLURM_JOB_ID", "1001", "SLURM_JOB_NODELIST", "hpc-gpu07",
            "SLURMD_NODENAME", "hpc-gpu07", "SLURM_CPUS_PER_TASK", "96", "MODEL_PATH", "/m/GLM-5-UD-Q4_K_XL.gguf");

    @Test
    void theEngineCommandLineHasTheSeedsSettingsFlagByFlag() {
        LaunchPlan plan = plan("glm5-llama", job, FOUR_L40S, Map.of());
        assertThat(plan.kind()).isEqualTo(EngineKind.LLAMA_SERVER);
        assertThat(plan.helpers()).isEmpty();
        LaunchStep engine = plan.engine().orElseThrow();
        assertThat(engine.remote()).isFalse();
        assertThat(command(engine.argv())).containsExactly("llama-server");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("--model", "/m/GLM-5-UD-Q4_K_XL.gguf");
        expected.put("--alias", "glm-5");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "9080");
        expected.put("--ctx-size", "16384");
        expected.put("--parallel", "2");
        expected.put("--batch-size", "2048");
        expected.put("--ubatch-size", "512");
        expected.put("--threads", "48");
        expected.put("--threads-batch", "96");
        expected.put("-ngl", "999");
        expected.put("--tensor-split", "1,1,1,1");
        expected.put("--jinja", "");
        expected.put("--metrics", "");
        assertThat(flags(engine.argv())).containsExactlyEntriesOf(expected);
        assertThat(engine.health()).contains(URI.create("http://127.0.0.1:9080/health"));
        assertThat(plan.engineUrl()).isEqualTo(URI.create("http://127.0.0.1:9080"));
    }

    @Test
    void environmentVariablesOfTheSeedOverrideTheProfile() {
        Map<String, String> env = new java.util.HashMap<>(job);
        env.putAll(Map.of("PARALLEL", "4", "CTX_SIZE", "8192", "THREADS", "12", "BATCH_SIZE", "1024", "PORT", "8090"));
        Map<String, String> f = flags(plan("glm5-llama", env, FOUR_L40S, Map.of()).engine().orElseThrow().argv());
        assertThat(f).containsEntry("--parallel", "4").containsEntry("--ctx-size", "8192")
                .containsEntry("--threads", "12").containsEntry("--batch-size", "1024").containsEntry("--port", "9090");
    }

    @Test
    void flagsOverrideTheEnvironment() {
        Map<String, String> f = flags(plan("glm5-llama", job, FOUR_L40S,
                Map.of("parallel", "3", "engine-port", "18080", "flash-attn", "on", "engine-args", "--no-webui --top-k 20"))
                .engine().orElseThrow().argv());
        assertThat(f).containsEntry("--parallel", "3").containsEntry("--port", "18080").containsEntry("--flash-attn", "on")
                .containsEntry("--no-webui", "").containsEntry("--top-k", "20");
    }

    @Test
    void withoutGpusNoLayersAreOffloadedAndNoSplitIsGiven() {
        Map<String, String> f = flags(plan("glm5-llama", job, "", Map.of()).engine().orElseThrow().argv());
        assertThat(f).doesNotContainKeys("-ngl", "--tensor-split");
    }

    @Test
    void aModelDirectoryResolvesToTheFirstPartOfASplitModel(@TempDir Path dir) throws IOException {
        Path q = Files.createDirectories(dir.resolve("UD-Q4_K_XL"));
        for (int i = 1; i <= 3; i++) Files.writeString(q.resolve("GLM-5-UD-Q4_K_XL-0000" + i + "-of-00003.gguf"), "x");
        Files.writeString(q.resolve("mmproj-F16.gguf"), "x");
        Map<String, String> env = new java.util.HashMap<>(job);
        env.put("MODEL_PATH", dir.toString());
        LaunchPlan plan = plan("glm5-llama", env, FOUR_L40S, Map.of());
        assertThat(flags(plan.engine().orElseThrow().argv()))
                .containsEntry("--model", q.resolve("GLM-5-UD-Q4_K_XL-00001-of-00003.gguf").toString());
        assertThat(plan.notes()).anyMatch(n -> n.contains("found in " + dir));
    }

    @Test
    void aDirectoryWithSeveralModelsMustBeNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.gguf"), "x");
        Files.writeString(dir.resolve("b.gguf"), "x");
        assertThatThrownBy(() -> plan("glm5-llama", Map.of("MODEL_PATH", dir.toString()), FOUR_L40S, Map.of()))
                .hasMessageContaining("several models").hasMessageContaining("a.gguf");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> plan("glm5-llama", Map.of("MODEL_PATH", empty.toString()), FOUR_L40S, Map.of()))
                .hasMessageContaining("no .gguf file");
    }

    @Test
    void theShellLineQuotesWhatNeedsQuoting() {
        LaunchStep engine = plan("glm5-llama", Map.of("MODEL_PATH", "/m/my model.gguf"), "", Map.of()).engine().orElseThrow();
        assertThat(engine.shellLine()).startsWith("llama-server --model '/m/my model.gguf' --alias glm-5 --host 127.0.0.1");
        assertThat(List.of(engine.shellLine().split(" "))).contains("--jinja");
    }
}
