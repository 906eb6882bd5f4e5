package hearth.server.backend.launch;

import static hearth.server.backend.launch.ProfilePlans.ONE_V100S;
import static hearth.server.backend.launch.ProfilePlans.flags;
import static hearth.server.backend.launch.ProfilePlans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seed 001, fast tier: llama-server router mode over a models directory. */
class FastRouterProfileTest {
    final Map<String, String> job = Map.of("SLURM_JOB_ID", "2001", "SLURM_JOB_NODELIST", "vasp-02",
            "SLURMD_NODENAME", "vasp-02", "SLURM_CPUS_PER_TASK", "40");

    @Test
    void routerModeListsTheModelsDirectoryInsteadOfAModel() {
        LaunchPlan plan = plan("fast-router", job, ONE_V100S, Map.of());
        assertThat(plan.helpers()).isEmpty();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("--models-dir", "/scratch/ai/models");
        expected.put("--models-max", "2");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "9080");
        expected.put("--ctx-size", "32768");
        expected.put("--parallel", "2");
        expected.put("-ngl", "999");
        expected.put("--jinja", "");
        expected.put("--metrics", "");
        assertThat(flags(plan.engine().orElseThrow().argv())).containsExactlyEntriesOf(expected);
    }

    @Test
    void modelsDirComesFromTheEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(job);
        env.put("MODELS_DIR", "/data/gguf");
        assertThat(flags(plan("fast-router", env, ONE_V100S, Map.of()).engine().orElseThrow().argv()))
                .containsEntry("--models-dir", "/data/gguf");
    }

    @Test
    void namingAModelLeavesRouterMode() {
        Map<String, String> f = flags(plan("fast-router", job, ONE_V100S, Map.of("model", "/m/strand-rust-coder-14b-q8_0.gguf"))
                .engine().orElseThrow().argv());
        assertThat(f).containsEntry("--model", "/m/strand-rust-coder-14b-q8_0.gguf").doesNotContainKeys("--models-dir", "--models-max");
    }
}
