package hearth.server.backend;

import hearth.server.backend.launch.LaunchContext;
import hearth.server.backend.launch.LaunchPlan;
import hearth.server.backend.launch.LaunchPlanner;
import hearth.server.cluster.GpuInventory;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;
import hearth.server.fakes.FakeEngine;
import hearth.server.fakes.FakeWorker;
import hearth.server.fakes.Fakes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Stand-in engines in a temp directory (llama-server, rpc-server, vllm, ray, the SGLang launcher, srun), and
 * plans that use them: every process binds 127.0.0.1 on a free port.
 */
public final class EngineFixture {
    public final Path dir;
    public final Path bin;
    public final int enginePort = freePort();

    public EngineFixture(Path dir, Map<String, String> knobs) {
        this.dir = dir;
        this.bin = dir.resolve("bin");
        try {
            Files.createDirectories(bin);
            Map<String, String> env = new HashMap<>(knobs);
            env.put("FAKE_DIR", dir.toString());
            for (String engine : List.of("llama-server", "vllm", "python3")) Fakes.javaMain(bin, engine, FakeEngine.class, env);
            for (String worker : List.of("rpc-server", "ray")) Fakes.javaMain(bin, worker, FakeWorker.class, env);
            Fakes.srun(bin, dir.resolve("srun.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flags pointing every program at its stand-in. */
    public Map<String, String> flags() {
        Map<String, String> f = new HashMap<>();
        f.put("llama-server-bin", bin.resolve("llama-server").toString());
        f.put("rpc-server-bin", bin.resolve("rpc-server").toString());
        f.put("vllm-bin", bin.resolve("vllm").toString());
        f.put("ray-bin", bin.resolve("ray").toString());
        f.put("sglang-command", bin.resolve("python3") + " -m sglang.launch_server");
        f.put("srun", bin.resolve("srun").toString());
        f.put("engine-port", Integer.toString(enginePort));
        f.put("model", "/models/fake.gguf");
        f.put("alias", "fake-model");
        return f;
    }

    public LaunchPlan plan(String backend, Map<String, String> more) {
        Map<String, String> f = flags();
        f.putAll(more);
        Settings s = Settings.of(f);
        LaunchContext c = LaunchContext.resolve(s, SlurmJob.fromEnv(Map.of("HOSTNAME", "node0")), GpuInventory.none("test"), 2);
        return LaunchPlanner.plan(EngineKind.parse(backend), c);
    }

    /** Lines of starts.log: "PROGRAM PID ARGS". */
    public List<String> starts() {
        try {
            Path log = dir.resolve("starts.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pidOf(String program, int nth) {
        return Long.parseLong(starts().stream().filter(l -> l.startsWith(program + " ")).toList().get(nth).split(" ")[1]);
    }

    public static ProcessSupervisor.Config quick() {
        return new ProcessSupervisor.Config(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(200), 2,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(10)), 3, Duration.ofSeconds(3), null);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes; returns whether it held. */
    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
