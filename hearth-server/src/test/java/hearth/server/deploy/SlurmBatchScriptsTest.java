package hearth.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.cluster.Profile;
import hearth.server.cluster.RepoDirs;
import hearth.server.fakes.Fakes;
import hearth.server.fakes.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/slurm/PROFILE.sbatch: one per runnable profile, with the resources and the preemption settings. */
class SlurmBatchScriptsTest {
    static final Path SLURM = RepoDirs.root().resolve("deploy/slurm");
    static final List<String> PROFILES = List.of("glm5-llama", "fast-router", "reasoning-rpc", "glm46-vllm-2node",
            "glm46-vllm-4node", "glm46-sglang-2node", "glm-image-sglang");

    static List<String> directives(String profile) throws IOException {
        return Files.readAllLines(SLURM.resolve(profile + ".sbatch")).stream().filter(l -> l.startsWith("#SBATCH "))
                .map(l -> l.substring(8).strip()).toList();
    }

    @Test
    void everyProfileThatCanRunHasABatchScript() {
        List<String> runnable = Profile.names(List.of(RepoDirs.profiles())).stream()
                .filter(n -> !n.equals("glm46-vllm")).toList();
        assertThat(PROFILES).containsExactlyInAnyOrderElementsOf(runnable);
        for (String p : PROFILES) assertThat(SLURM.resolve(p + ".sbatch")).isRegularFile();
    }

    @Test
    void everyJobIsRequeuedWarnedAheadOfTheKillAndLogsPerJob() throws IOException {
        for (String p : PROFILES) {
            assertThat(directives(p)).as(p).contains("--requeue", "--signal=B:TERM@60", "--output=logs/%x-%j.out")
                    .anyMatch(d -> d.startsWith("--time=")).anyMatch(d -> d.startsWith("--mem="))
                    .anyMatch(d -> d.startsWith("--cpus-per-task=")).anyMatch(d -> d.startsWith("--job-name=hearth-"))
                    .anyMatch(d -> d.startsWith("--gres=gpu:") || d.startsWith("--gpus-per-node="));
        }
    }

    @Test
    void nodeCountsAndResourcesFollowTheSeeds() throws IOException {
        assertThat(directives("glm5-llama")).contains("--nodes=1", "--gres=gpu:l40s:4", "--cpus-per-task=96", "--mem=512G",
                "--time=24:00:00");
        assertThat(directives("reasoning-rpc")).contains("--nodes=3", "--mem=200G", "--qos=ai_opportunistic", "--gres=gpu:1");
        assertThat(directives("fast-router")).contains("--nodes=1", "--qos=ai_opportunistic");
        assertThat(directives("glm46-vllm-2node")).contains("--nodes=2", "--gpus-per-node=1");
        assertThat(directives("glm46-vllm-4node")).contains("--nodes=4", "--gpus-per-node=1");
        assertThat(directives("glm46-sglang-2node")).contains("--nodes=2", "--gpus-per-node=1", "--ntasks-per-node=1");
        assertThat(directives("glm-image-sglang")).contains("--nodes=1", "--mem=64G");
    }

    @Test
    void theNodeCountOfEachScriptMatchesItsProfile() throws IOException {
        for (String p : PROFILES) {
            String nodes = Profile.load(p, List.of(RepoDirs.profiles()), Map.of()).settings().getOrDefault("nodes", "1");
            assertThat(directives(p)).as(p).contains("--nodes=" + nodes);
        }
    }

    @Test
    void theScriptLoadsDotEnvAndExecsHearthServeWithTheProfile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("deploy/slurm"));
        Files.copy(SLURM.resolve("job-setup.sh"), dir.resolve("deploy/slurm/job-setup.sh"));
        Files.writeString(dir.resolve(".env"), "MODEL_PATH=/models/from-dotenv.gguf\n");
        Path args = dir.resolve("args");
        Path hearth = Fakes.script(dir, "fake-hearth", "echo \"$$ $* MODEL_PATH=$MODEL_PATH\" > '" + args + "'\n");
        for (String p : PROFILES) {
            Run r = Run.of(List.of("bash", SLURM.resolve(p + ".sbatch").toString(), "--port", "9999"), dir,
                    Map.of("SLURM_SUBMIT_DIR", dir.toString(), "HEARTH_BIN", hearth.toString(), "HEARTH_TAILSCALE", "0",
                            "SLURM_JOB_ID", "77", "SLURM_JOB_NODELIST", "n[1-3]"), Duration.ofSeconds(20));
            assertThat(r.status()).as(r.output()).isZero();
            String line = Files.readString(args).strip();
            assertThat(line).as(p).endsWith("serve --profile " + p + " --requeue-on-term --port 9999 MODEL_PATH=/models/from-dotenv.gguf");
            assertThat(r.output()).contains("job 77", "nodes n[1-3]");
        }
        assertThat(dir.resolve("logs")).isDirectory();
    }
}
