package hearth.server.backend;

import static hearth.server.backend.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.backend.launch.LaunchPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor against stand-in engines: start order, liveness by process, restarts, readiness, stop. */
class ProcessSupervisorTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir Path dir;
    ProcessSupervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) supervisor.stop(Duration.ofSeconds(2));
    }

    @Test
    void rpcWorkersStartFirstAndAKilledOneMakesTheBackendUnreadyUntilTheSetIsBack() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "300"));
        int rpcPort = EngineFixture.freePort();
        LaunchPlan plan = f.plan("llama-server", Map.of("nodelist", "node0,127.0.0.1", "rpc-workers", "slurm",
                "rpc-port", Integer.toString(rpcPort)));
        supervisor = new ProcessSupervisor(plan, EngineFixture.quick()).start();
        assertThat(supervisor.ready()).isFalse();
        assertThat(await(supervisor::ready, WAIT)).as("ready; failure: %s", supervisor.failure()).isTrue();

        List<String> starts = f.starts();
        assertThat(starts).hasSize(2);
        assertThat(starts.get(0)).startsWith("rpc-server ").endsWith("-H 0.0.0.0 -p " + rpcPort);
        assertThat(starts.get(1)).startsWith("llama-server ").contains("--rpc 127.0.0.1:" + rpcPort, "--port " + f.enginePort);
        assertThat(Files.readString(dir.resolve("srun.log")).strip()).isEqualTo("127.0.0.1 " + f.bin.resolve("rpc-server")
                + " -H 0.0.0.0 -p " + rpcPort);
        assertThat(supervisor.pids()).hasSize(2);

        // the worker holds the head's connection, so its port no longer answers: only its process tells
        long worker = f.pidOf("rpc-server", 0);
        long head = f.pidOf("llama-server", 0);
        ProcessHandle.of(worker).orElseThrow().destroyForcibly();
        assertThat(await(() -> !supervisor.ready(), Duration.ofSeconds(5))).isTrue();
        assertThat(supervisor.failure()).contains("rpc-server 127.0.0.1:" + rpcPort + " on 127.0.0.1 exited");
        // the head is stopped with its worker and both come back
        assertThat(await(() -> ProcessHandle.of(head).map(h -> !h.isAlive()).orElse(true), Duration.ofSeconds(10))).isTrue();
        assertThat(await(supervisor::ready, WAIT)).isTrue();
        assertThat(supervisor.restarts()).isEqualTo(1);
        assertThat(f.starts()).extracting(l -> l.split(" ")[0]).containsExactly("rpc-server", "llama-server", "rpc-server", "llama-server");
    }

    @Test
    void aCrashingEngineIsRestartedWithGrowingDelays() throws Exception {
        // each crash comes while the engine is still loading, before it could answer its health check
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_CRASH_STARTS", "2", "FAKE_CRASH_MS", "50", "FAKE_LOAD_MS", "400"));
        supervisor = new ProcessSupervisor(f.plan("llama-server", Map.of()), EngineFixture.quick()).start();
        assertThat(await(supervisor::ready, WAIT)).as("failure: %s", supervisor.failure()).isTrue();
        assertThat(supervisor.restarts()).isEqualTo(2);
        assertThat(f.starts()).hasSize(3).allMatch(l -> l.startsWith("llama-server "));
        assertThat(supervisor.state()).isEqualTo(ProcessSupervisor.State.READY);
    }

    @Test
    void anEngineThatAlwaysDiesIsGivenUpWithItsLastWords() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_CRASH_STARTS", "99", "FAKE_CRASH_MS", "0", "FAKE_LOAD_MS", "5000"));
        var cfg = EngineFixture.quick();
        var once = new ProcessSupervisor.Config(cfg.helperStartTimeout(), cfg.engineStartTimeout(), cfg.healthInterval(),
                cfg.unhealthyAfter(), cfg.backoff(), 1, cfg.restartStopGrace(), null);
        supervisor = new ProcessSupervisor(f.plan("llama-server", Map.of()), once).start();
        assertThat(await(() -> supervisor.state() == ProcessSupervisor.State.FAILED, WAIT)).isTrue();
        assertThat(supervisor.failure()).contains("llama-server exited while starting (exit 134", "simulated crash");
        assertThat(f.starts()).hasSize(2);
        assertThat(supervisor.ready()).isFalse();
    }

    @Test
    void readinessFollowsTheHealthEndpointWithoutRestarting() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "0"));
        supervisor = new ProcessSupervisor(f.plan("vllm", Map.of()), EngineFixture.quick()).start();
        assertThat(await(supervisor::ready, WAIT)).isTrue();
        Files.writeString(dir.resolve("unhealthy"), "");
        assertThat(await(() -> !supervisor.ready(), Duration.ofSeconds(5))).isTrue();
        assertThat(supervisor.state()).isEqualTo(ProcessSupervisor.State.READY);
        Files.delete(dir.resolve("unhealthy"));
        assertThat(await(supervisor::ready, Duration.ofSeconds(5))).isTrue();
        assertThat(supervisor.restarts()).isZero();
        assertThat(f.starts()).hasSize(1);
    }

    @Test
    void stopSendsSigtermAndWaitsForTheEngineToFinish() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "0", "FAKE_STOP_MS", "300"));
        supervisor = new ProcessSupervisor(f.plan("sglang", Map.of()), EngineFixture.quick()).start();
        assertThat(await(supervisor::ready, WAIT)).isTrue();
        long pid = f.pidOf("python3", 0);
        long t0 = System.nanoTime();
        supervisor.stop(Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(9));
        assertThat(Files.readString(dir.resolve("term-python3"))).isEqualTo("TERM\n");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(supervisor.state()).isEqualTo(ProcessSupervisor.State.STOPPED);
    }

    @Test
    void rayWorkersJoinTheHeadBeforeVllmStarts() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "0"));
        int rayPort = EngineFixture.freePort();
        LaunchPlan plan = f.plan("vllm", Map.of("nodelist", "node0,node1", "nodes", "2", "ray-node-ip", "127.0.0.1",
                "ray-port", Integer.toString(rayPort)));
        supervisor = new ProcessSupervisor(plan, EngineFixture.quick()).start();
        assertThat(await(supervisor::ready, WAIT)).as("failure: %s", supervisor.failure()).isTrue();
        List<String> starts = f.starts();
        assertThat(starts.get(0)).startsWith("ray ").contains("--head", "--port=" + rayPort);
        assertThat(starts.get(1)).startsWith("ray ").contains("--address=127.0.0.1:" + rayPort);
        assertThat(starts.get(2)).startsWith("vllm ").contains("serve /models/fake.gguf", "--distributed-executor-backend ray");
        assertThat(Files.readString(dir.resolve("srun.log"))).startsWith("node1 ");
    }

    @Test
    void sglangRanksJoinRankZeroAndAKilledRankMakesTheBackendUnreadyUntilTheSetIsBack() throws Exception {
        EngineFixture f = new EngineFixture(dir, Map.of("FAKE_LOAD_MS", "0"));
        int rendezvous = EngineFixture.freePort();
        LaunchPlan plan = f.plan("sglang", Map.of("nodelist", "node0,node1", "nodes", "2", "tensor-parallel-size", "2",
                "dist-init-addr", "127.0.0.1:" + rendezvous));
        supervisor = new ProcessSupervisor(plan, EngineFixture.quick()).start();
        assertThat(await(supervisor::ready, WAIT)).as("failure: %s", supervisor.failure()).isTrue();
        List<String> starts = f.starts();
        assertThat(starts).hasSize(2);
        // rank 1 goes through srun, rank 0 starts here: either may be recorded first
        int r1 = starts.get(0).contains("--node-rank 1") ? 0 : 1;
        assertThat(starts.get(r1)).startsWith("python3 ").contains("--nnodes 2 --node-rank 1 --dist-init-addr 127.0.0.1:" + rendezvous);
        assertThat(starts.get(1 - r1)).startsWith("python3 ").contains("--port " + f.enginePort, "--node-rank 0");
        assertThat(Files.readString(dir.resolve("srun.log"))).startsWith("node1 ");

        long rank1 = f.pidOf("python3", r1);
        ProcessHandle.of(rank1).orElseThrow().destroyForcibly();
        assertThat(await(() -> !supervisor.ready(), Duration.ofSeconds(5))).isTrue();
        assertThat(supervisor.failure()).contains("sglang rank 1 on node1 exited");
        assertThat(await(supervisor::ready, WAIT)).as("failure: %s", supervisor.failure()).isTrue();
        assertThat(supervisor.restarts()).isEqualTo(1);
        assertThat(f.starts()).hasSize(4);
    }
}
