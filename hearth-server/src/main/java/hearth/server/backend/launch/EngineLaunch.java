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
    /**
     * Finds the facts: {@code nvidia-smi} (setting {@code nvidia-smi}) only for engines that use GPUs. The model id
     * defaults to the model's name, so that Hearth and the engine call it the same ({@code --alias},
     * {@code --served-model-name}).
     */
    public static EngineLaunch detect(EngineKind kind, Settings given, Map<String, String> env) {
        SlurmJob job = SlurmJob.fromEnv(env);
        Settings s = defaultAlias(kind, given).map(a -> given.withDefaults(Map.of("alias", a))).orElse(given);
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

    /** The id clients use: {@code alias}, else the model's name; empty in router mode. */
    public java.util.Optional<String> modelId() {
        return settings.get("alias");
    }

    static java.util.Optional<String> defaultAlias(EngineKind kind, Settings s) {
        if (s.get("alias").isPresent() || s.get("model").isEmpty()) return java.util.Optional.empty();
        String model = s.get("model").get();
        if (kind == EngineKind.LLAMA_SERVER) model = GgufPath.resolve(model).orElse(model);
        return java.util.Optional.of(nameOf(model));
    }

    /** {@code /m/GLM-5-UD-Q4_K_XL-00001-of-00008.gguf} → {@code GLM-5-UD-Q4_K_XL}; {@code ~/models/GLM-4.6/} → {@code GLM-4.6}. */
    static String nameOf(String model) {
        String m = model.replaceAll("/+$", "");
        String last = m.substring(m.lastIndexOf('/') + 1);
        return last.replaceFirst("(?i)(-\\d{5}-of-\\d{5})?\\.gguf$", "");
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
