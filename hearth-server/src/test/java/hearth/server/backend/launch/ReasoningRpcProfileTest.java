package hearth.server.backend.launch;

import static hearth.server.backend.launch.ProfilePlans.ONE_V100S;
import static hearth.server.backend.launch.ProfilePlans.command;
import static hearth.server.backend.launch.ProfilePlans.flags;
import static hearth.server.backend.launch.ProfilePlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seed 001, reasoning tier: 72B split by layers over vasp-01 (head) and rpc-server on vasp-02 and vasp-03. */
class ReasoningRpcProfileTest {
    final Map<String, String> job = Map.of("SLURM_JOB_ID", "3001", "SLURM_JOB_NODELIST", "vasp-[01-03]",
            "SLURMD_NODENAME", "vasp-01", "SLURM_CPUS_PER_TASK", "40");

    @Test
    void anRpcWorkerRunsOnEachOtherNodeThroughSrun() {
        LaunchPlan plan = plan("reasoning-rpc", job, ONE_V100S, Map.of());
        List<LaunchStep> workers = plan.helpers();
        assertThat(workers).extracting(LaunchStep::node).containsExactly("vasp-02", "vasp-03");
        assertThat(workers).allMatch(w -> w.role() == LaunchStep.Role.RPC_WORKER);
        assertThat(workers.getFirst().command()).containsExactly(
                "srun", "--nodes=1", "--ntasks=1", "-w", "vasp-02", "rpc-server", "-H", "0.0.0.0", "-p", "50052");
        assertThat(workers.get(1).shellLine()).isEqualTo("srun --nodes=1 --ntasks=1 -w vasp-03 rpc-server -H 0.0.0.0 -p 50052");
        assertThat(workers).extracting(w -> w.ready().orElseThrow()).containsExactly("vasp-02:50052", "vasp-03:50052");
        assertThat(plan.steps().getLast()).isEqualTo(plan.engine().orElseThrow());
    }

    @Test
    void theHeadServerHasTheTunedSettingsFlagByFlag() {
        LaunchStep engine = plan("reasoning-rpc", job, ONE_V100S, Map.of()).engine().orElseThrow();
        assertThat(engine.remote()).isFalse();
        assertThat(command(engine.argv())).containsExactly("llama-server");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("--model", "/scratch/ai/models/OR1-Behemoth-72B-Q4_K_M.gguf");
        expected.put("--alias", "OR1-Behemoth");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "9081");
        expected.put("--ctx-size", "131072");
        expected.put("--parallel", "1");
        expected.put("--batch-size", "512");
        expected.put("--ubatch-size", "512");
        expected.put("-ngl", "999");
        expected.put("--split-mode", "layer");
        expected.put("--tensor-split", "26,27,27");
        expected.put("--rpc", "vasp-02:50052,vasp-03:50052");
        expected.put("--cache-type-k", "q4_0");
        expected.put("--cache-type-v", "q4_0");
        expected.put("--mlock", "");
        expected.put("--numa", "distribute");
        expected.put("--reasoning-format", "deepseek");
        expected.put("--jinja", "");
        expected.put("--flash-attn", "off");
        expected.put("--timeout", "600");
        expected.put("--metrics", "");
        assertThat(flags(engine.argv())).containsExactlyEntriesOf(expected);
    }

    @Test
    void rpcPortAndExtraSrunArgumentsAreSettings() {
        LaunchPlan plan = plan("reasoning-rpc", job, ONE_V100S,
                Map.of("rpc-port", "50100", "srun-args", "--overlap --gpus-per-node=1", "rpc-cache", "true"));
        assertThat(plan.helpers().getFirst().command()).containsExactly("srun", "--nodes=1", "--ntasks=1", "-w", "vasp-02",
                "--overlap", "--gpus-per-node=1", "rpc-server", "-H", "0.0.0.0", "-p", "50100", "-c");
        assertThat(flags(plan.engine().orElseThrow().argv())).containsEntry("--rpc", "vasp-02:50100,vasp-03:50100");
    }

    @Test
    void explicitRpcEndpointsStartNoWorkers() {
        LaunchPlan plan = plan("reasoning-rpc", job, ONE_V100S, Map.of("rpc-workers", "none", "rpc", "10.0.0.6:50052,10.0.0.7:50052"));
        assertThat(plan.helpers()).isEmpty();
        assertThat(flags(plan.engine().orElseThrow().argv())).containsEntry("--rpc", "10.0.0.6:50052,10.0.0.7:50052");
    }

    @Test
    void aJobWithTooFewNodesIsRefusedBeforeAnythingStarts() {
        Map<String, String> small = Map.of("SLURM_JOB_ID", "3002", "SLURM_JOB_NODELIST", "vasp-[01-02]", "SLURMD_NODENAME", "vasp-01");
        assertThatThrownBy(() -> plan("reasoning-rpc", small, ONE_V100S, Map.of()))
                .hasMessage("this deployment needs 3 nodes but SLURM job 3002 has 2 (vasp-01,vasp-02)");
    }

    @Test
    void outsideSlurmTheWorkersArePlaceholdersOrTheGivenNodeList() {
        LaunchPlan placeholders = plan("reasoning-rpc", Map.of("HOSTNAME", "login1"), ONE_V100S, Map.of());
        assertThat(placeholders.helpers()).extracting(LaunchStep::node).containsExactly("node2", "node3");
        assertThat(placeholders.notes()).anyMatch(n -> n.contains("placeholders"));
        LaunchPlan listed = plan("reasoning-rpc", Map.of("HOSTNAME", "login1"), ONE_V100S, Map.of("nodelist", "vasp-[01-03]"));
        assertThat(listed.helpers()).extracting(LaunchStep::node).containsExactly("vasp-02", "vasp-03");
    }
}
