package hearth.server.backend.launch;

import hearth.server.backend.EngineKind;
import hearth.server.cluster.GpuInventory;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

/**
 * The facts of this start (SLURM job, GPUs, CPUs, a free engine port when {@code engine-port} is 0) gathered
 * once, and the plan made from them: what {@code hearth serve} runs and {@code --dry-run} prints.
 */
public record EngineLaunch(EngineKind kind, Settings settings, SlurmJob job, GpuInventory gpus, int cpus) {
    /** Finds the facts: {@code nvidia-smi} (setting {@code nvidia-smi}) only for engines that use GPUs. */
    public static EngineLaunch detect(EngineKind kind, Settings s, Map<String, String> env) {
        SlurmJob job = SlurmJob.fromEnv(env);
        GpuInventory gpus = kind.external()
                ? GpuInventory.detect(s.get("nvidia-smi", "nvidia-smi"), Duration.ofSeconds(15)).visible(env.get("CUDA_VISIBLE_DEVICES"))
                : GpuInventory.none("not needed for --backend " + kind.flag());
        return new EngineLaunch(kind, s, job, gpus, Runtime.getRuntime().availableProcessors());
    }

    /** The plan; an {@code engine-port} of 0 becomes a free port first, so the command lines name a real one. */
    public LaunchPlan plan() {
        Settings s = settings;
        if (kind.external() && LaunchContext.resolve(s, job, gpus, cpus).enginePort() == 0) {
            s = s.withFlags(Map.of("engine-port", Integer.toString(freePort())));
        }
        return LaunchPlanner.plan(kind, LaunchContext.resolve(s, job, gpus, cpus));
    }

    public String dryRun() {
        return DryRun.text(kind, settings, job, gpus, cpus);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
