package hearth.server.backend.launch;

import static hearth.server.backend.launch.ProfilePlans.FOUR_L40S;
import static hearth.server.backend.launch.ProfilePlans.ONE_GH200;
import static hearth.server.backend.launch.ProfilePlans.command;
import static hearth.server.backend.launch.ProfilePlans.flags;
import static hearth.server.backend.launch.ProfilePlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.server.backend.EngineKind;
import hearth.server.cluster.GpuInventory;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SGLang across nodes: the same launch_server command on every node of the job, rank 0 here (HTTP) and ranks
 * 1..N-1 on the other nodes via srun, meeting at rank 0's {@code --dist-init-addr}; no Ray.
 */
class SglangMultiNodeTest {
    static Map<String, String> job(String nodes) {
        return Map.of("SLURM_JOB_ID", "6001", "SLURM_JOB_NODELIST", nodes, "SLURMD_NODENAME", "gh-01",
                "SLURM_CPUS_PER_TASK", "72", "HOME", "/home/ada");
    }

    @Test
    void theTwoNodeProfileRunsRankOneThereAndRankZeroHereFlagByFlag() {
        LaunchPlan plan = plan("glm46-sglang-2node", job("gh-[01-02]"), ONE_GH200, Map.of());
        assertThat(plan.steps()).extracting(LaunchStep::role).containsExactly(LaunchStep.Role.ENGINE_WORKER, LaunchStep.Role.ENGINE);
        LaunchStep head = plan.engine().orElseThrow();
        assertThat(head.remote()).isFalse();
        assertThat(command(head.argv())).containsExactly("python3");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("-m", "sglang.launch_server");
        expected.put("--model-path", "/home/ada/models/GLM-4.6");
        expected.put("--served-model-name", "GLM-4.6");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "9001");
        expected.put("--tp", "2");
        expected.put("--quantization", "fp8");
        expected.put("--mem-fraction-static", "0.85");
        expected.put("--context-length", "32768");
        expected.put("--tool-call-parser", "glm45");
        expected.put("--reasoning-parser", "glm45");
        expected.put("--trust-remote-code", "");
        expected.put("--nnodes", "2");
        expected.put("--node-rank", "0");
        expected.put("--dist-init-addr", "gh-01:20000");
        assertThat(flags(head.argv())).containsExactlyEntriesOf(expected);
        assertThat(head.env()).doesNotContainKey("RAY_ADDRESS");

        LaunchStep rank1 = plan.steps().getFirst();
        assertThat(rank1.node()).isEqualTo("gh-02");
        assertThat(rank1.ready()).isEmpty();
        assertThat(rank1.command().subList(0, 5)).containsExactly("srun", "--nodes=1", "--ntasks=1", "-w", "gh-02");
        Map<String, String> rank1Flags = new LinkedHashMap<>(expected);
        rank1Flags.put("--node-rank", "1");
        assertThat(flags(rank1.argv())).containsExactlyEntriesOf(rank1Flags);
    }

    @Test
    void fourNodesOfFourGpusWithPipelineStagesSplitTheGpusAndNumberTheRanksInNodeOrder() {
        Map<String, String> job = Map.of("SLURM_JOB_ID", "6002", "SLURM_JOB_NODELIST", "gpu[07-10]", "SLURMD_NODENAME", "gpu07",
                "HOME", "/home/ada");
        LaunchPlan plan = plan("glm46-sglang-2node", job, FOUR_L40S,
                Map.of("nodes", "4", "pipeline-parallel-size", "2", "expert-parallel-size", "8", "dist-init-port", "29500"));
        List<LaunchStep> ranks = plan.helpers();
        assertThat(ranks).extracting(LaunchStep::node).containsExactly("gpu08", "gpu09", "gpu10");
        assertThat(ranks).extracting(s -> flags(s.argv()).get("--node-rank")).containsExactly("1", "2", "3");
        Map<String, String> head = flags(plan.engine().orElseThrow().argv());
        assertThat(head).containsEntry("--tp", "8").containsEntry("--pp-size", "2").containsEntry("--ep-size", "8")
                .containsEntry("--nnodes", "4").containsEntry("--node-rank", "0").containsEntry("--dist-init-addr", "gpu07:29500");
        for (LaunchStep r : ranks) {
            Map<String, String> f = flags(r.argv());
            f.put("--node-rank", "0");
            assertThat(f).as(r.node() + " runs the head's command but for its rank").isEqualTo(head);
        }
    }

    @Test
    void anExplicitRendezvousAddressAndEngineEnvironmentReachEveryNode() {
        LaunchPlan plan = plan("glm46-sglang-2node", job("gh-[01-02]"), ONE_GH200,
                Map.of("dist-init-addr", "10.0.0.5:5000", "engine-env", "NCCL_SOCKET_IFNAME=ib0,HF_HUB_OFFLINE=1"));
        for (LaunchStep s : plan.steps()) {
            assertThat(flags(s.argv())).containsEntry("--dist-init-addr", "10.0.0.5:5000");
            assertThat(s.env()).containsEntry("NCCL_SOCKET_IFNAME", "ib0").containsEntry("HF_HUB_OFFLINE", "1");
        }
    }

    @Test
    void aTensorParallelSizeThatDoesNotSpanTheNodesEvenlyIsRefused() {
        assertThatThrownBy(() -> plan("glm46-sglang-2node", job("gh-[01-02]"), ONE_GH200, Map.of("tensor-parallel-size", "3")))
                .hasMessageContaining("tensor-parallel-size × pipeline-parallel-size = 3 GPUs do not split evenly over the nodes");
        assertThatThrownBy(() -> plan("glm46-sglang-2node", job("gh-[01-02]"), ONE_GH200, Map.of("dist-init-addr", "gh-01")))
                .hasMessageContaining("dist-init-addr must be HOST:PORT");
    }

    @Test
    void oneNodeHasNoMultiNodeFlagsAndNoHelpers() {
        LaunchPlan plan = plan("glm46-sglang-2node", job("gh-01"), FOUR_L40S, Map.of("nodes", "1"));
        assertThat(plan.helpers()).isEmpty();
        assertThat(flags(plan.engine().orElseThrow().argv())).containsEntry("--tp", "4")
                .doesNotContainKeys("--nnodes", "--node-rank", "--dist-init-addr");
    }

    @Test
    void theDryRunPrintsEachNodesCommand() {
        String text = DryRun.text(EngineKind.SGLANG, Settings.of(Map.of("model", "/m/GLM-4.6", "nodes", "2", "port", "8001",
                        "tensor-parallel-size", "2", "profile", "x")),
                SlurmJob.fromEnv(job("gh-[01-02]")), GpuInventory.parse(ONE_GH200), 4);
        List<String> lines = List.of(text.split("\n"));
        assertThat(lines).containsSubsequence(
                "# sglang rank 1 on gh-02 (srun)",
                "srun --nodes=1 --ntasks=1 -w gh-02 python3 -m sglang.launch_server --model-path /m/GLM-4.6 --host 127.0.0.1 --port 9001"
                        + " --tp 2 --nnodes 2 --node-rank 1 --dist-init-addr gh-01:20000",
                "# sglang on this node, ready when http://127.0.0.1:9001/health answers 200",
                "python3 -m sglang.launch_server --model-path /m/GLM-4.6 --host 127.0.0.1 --port 9001 --tp 2 --nnodes 2 --node-rank 0"
                        + " --dist-init-addr gh-01:20000");
    }

    @Test
    void outsideSlurmTheNodeListNamesTheOtherNodes() {
        Settings s = Settings.of(Map.of("model", "/m", "nodes", "3", "nodelist", "a[1-3]", "tensor-parallel-size", "3"));
        LaunchContext c = LaunchContext.resolve(s, SlurmJob.fromEnv(Map.of("HOSTNAME", "a1")), GpuInventory.parse(ONE_GH200), 8);
        LaunchPlan plan = LaunchPlanner.plan(EngineKind.SGLANG, c);
        assertThat(plan.helpers()).extracting(LaunchStep::node).containsExactly("a2", "a3");
        assertThat(flags(plan.engine().orElseThrow().argv())).containsEntry("--dist-init-addr", "a1:20000");
    }
}
