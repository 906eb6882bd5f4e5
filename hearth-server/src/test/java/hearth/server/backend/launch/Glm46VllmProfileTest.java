package hearth.server.backend.launch;

import static hearth.server.backend.launch.ProfilePlans.FOUR_L40S;
import static hearth.server.backend.launch.ProfilePlans.ONE_GH200;
import static hearth.server.backend.launch.ProfilePlans.command;
import static hearth.server.backend.launch.ProfilePlans.flags;
import static hearth.server.backend.launch.ProfilePlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seed 002: GLM-4.6 on GH200 nodes (one GPU each) with vLLM over Ray; 2-node FP8 and 4-node AWQ layouts. */
class Glm46VllmProfileTest {
    static Map<String, String> job(String nodes) {
        return Map.of("SLURM_JOB_ID", "5001", "SLURM_JOB_NODELIST", nodes, "SLURMD_NODENAME", "gh-01",
                "SLURM_CPUS_PER_TASK", "72", "HOME", "/home/ada");
    }

    @Test
    void twoNodesStartARayHeadHereAndAWorkerThereThenVllm() {
        LaunchPlan plan = plan("glm46-vllm-2node", job("gh-[01-02]"), ONE_GH200, Map.of());
        assertThat(plan.steps()).extracting(LaunchStep::role).containsExactly(
                LaunchStep.Role.RAY_HEAD, LaunchStep.Role.RAY_WORKER, LaunchStep.Role.ENGINE);
        LaunchStep head = plan.steps().getFirst();
        assertThat(head.remote()).isFalse();
        assertThat(head.argv()).containsExactly("ray", "start", "--head", "--port=6379", "--dashboard-host=0.0.0.0",
                "--dashboard-port=8265", "--num-cpus=72", "--num-gpus=1", "--block");
        assertThat(head.ready()).contains("gh-01:6379");
        LaunchStep worker = plan.steps().get(1);
        assertThat(worker.command()).containsExactly("srun", "--nodes=1", "--ntasks=1", "-w", "gh-02",
                "ray", "start", "--address=gh-01:6379", "--num-cpus=72", "--num-gpus=1", "--block");
    }

    @Test
    void theTwoNodeVllmCommandLineMatchesSection51FlagByFlag() {
        LaunchStep engine = plan("glm46-vllm-2node", job("gh-[01-02]"), ONE_GH200, Map.of()).engine().orElseThrow();
        assertThat(command(engine.argv())).containsExactly("vllm", "serve", "/home/ada/models/GLM-4.6");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("--served-model-name", "GLM-4.6");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "9001");
        expected.put("--tensor-parallel-size", "2");
        expected.put("--enable-expert-parallel", "");
        expected.put("--quantization", "fp8");
        expected.put("--max-model-len", "32768");
        expected.put("--gpu-memory-utilization", "0.85");
        expected.put("--max-num-seqs", "64");
        expected.put("--swap-space", "16");
        expected.put("--trust-remote-code", "");
        expected.put("--disable-log-requests", "");
        expected.put("--tool-call-parser", "glm45");
        expected.put("--enable-auto-tool-choice", "");
        expected.put("--reasoning-parser", "glm45");
        expected.put("--distributed-executor-backend", "ray");
        assertThat(flags(engine.argv())).containsExactlyEntriesOf(expected);
        assertThat(engine.env()).containsExactlyEntriesOf(Map.of("RAY_ADDRESS", "gh-01:6379"));
    }

    @Test
    void theFourNodeLayoutUsesAwqAndLongContextFlagByFlag() {
        LaunchPlan plan = plan("glm46-vllm-4node", job("gh-[01-04]"), ONE_GH200, Map.of());
        assertThat(plan.helpers()).extracting(LaunchStep::node).containsExactly(null, "gh-02", "gh-03", "gh-04");
        LaunchStep engine = plan.engine().orElseThrow();
        assertThat(command(engine.argv())).containsExactly("vllm", "serve", "/home/ada/models/GLM-4.6-AWQ");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("--served-model-name", "GLM-4.6");
        expected.put("--host", "127.0.0.1");
        expected.put("--port", "9001");
        expected.put("--tensor-parallel-size", "4");
        expected.put("--enable-expert-parallel", "");
        expected.put("--max-model-len", "131072");
        expected.put("--gpu-memory-utilization", "0.9");
        expected.put("--max-num-seqs", "128");
        expected.put("--trust-remote-code", "");
        expected.put("--disable-log-requests", "");
        expected.put("--tool-call-parser", "glm45");
        expected.put("--enable-auto-tool-choice", "");
        expected.put("--reasoning-parser", "glm45");
        expected.put("--distributed-executor-backend", "ray");
        assertThat(flags(engine.argv())).containsExactlyEntriesOf(expected);
    }

    @Test
    void theNodesParameterScalesTheBaseProfile() {
        LaunchPlan plan = plan("glm46-vllm", job("gh-[01-08]"), ONE_GH200, Map.of("nodes", "4"));
        assertThat(plan.helpers()).hasSize(4);
        assertThat(flags(plan.engine().orElseThrow().argv())).containsEntry("--tensor-parallel-size", "4");
    }

    @Test
    void oneNodeWithFourGpusNeedsNoRay() {
        LaunchPlan plan = plan("glm46-vllm", job("gh-01"), FOUR_L40S,
                Map.of("nodes", "1", "distributed-executor-backend", "", "pipeline-parallel-size", "1",
                        "gpu-memory-utilization", "auto", "expert-parallel-size", "4"));
        assertThat(plan.helpers()).isEmpty();
        Map<String, String> f = flags(plan.engine().orElseThrow().argv());
        assertThat(f).containsEntry("--tensor-parallel-size", "4").containsEntry("--pipeline-parallel-size", "1")
                .containsEntry("--gpu-memory-utilization", "0.9").containsEntry("--enable-expert-parallel", "")
                .doesNotContainKeys("--distributed-executor-backend", "--expert-parallel-size");
        assertThat(plan.engine().orElseThrow().env()).doesNotContainKey("RAY_ADDRESS");
    }

    @Test
    void anExpertParallelSizeVllmCannotHonourIsRefused() {
        assertThatThrownBy(() -> plan("glm46-vllm-2node", job("gh-[01-02]"), ONE_GH200, Map.of("expert-parallel-size", "4")))
                .hasMessageContaining("expert-parallel-size 4 must equal tensor-parallel-size × data-parallel-size = 2");
    }

    @Test
    void theDryRunShowsEveryNodesCommand() {
        String text = DryRun.text(hearth.server.backend.EngineKind.VLLM,
                hearth.server.cluster.Settings.of(Map.of("model", "/m/GLM-4.6", "nodes", "2", "port", "8001", "profile", "x")),
                hearth.server.cluster.SlurmJob.fromEnv(job("gh-[01-02]")), hearth.server.cluster.GpuInventory.parse(ONE_GH200), 4);
        List<String> lines = List.of(text.split("\n"));
        assertThat(lines.getFirst()).isEqualTo("# hearth serve --profile x: backend vllm, API on http://127.0.0.1:8001 -> engine http://127.0.0.1:9001");
        assertThat(lines).contains("# SLURM job 5001 on gh-01, nodes gh-01,gh-02",
                "ray start --head --port=6379 --dashboard-host=0.0.0.0 --dashboard-port=8265 --num-cpus=72 --num-gpus=1 --block",
                "srun --nodes=1 --ntasks=1 -w gh-02 ray start --address=gh-01:6379 --num-cpus=72 --num-gpus=1 --block",
                "RAY_ADDRESS=gh-01:6379 vllm serve /m/GLM-4.6 --host 127.0.0.1 --port 9001 --tensor-parallel-size 2 --distributed-executor-backend ray");
        assertThat(lines).anyMatch(l -> l.startsWith("# ray worker on gh-02 (srun)"));
    }
}
