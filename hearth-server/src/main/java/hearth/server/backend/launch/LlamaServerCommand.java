package hearth.server.backend.launch;

import hearth.server.cluster.Settings;
import java.util.List;

/**
 * llama-server's command line from Hearth's settings. Setting names follow llama-server's long flags
 * ({@code ctx-size}, {@code ubatch-size}, {@code cache-type-k}, ...); {@code auto} values come from the GPUs and
 * CPUs found at start. Without {@code model} the server runs in router mode over {@code models-dir}.
 */
public record LlamaServerCommand(String binary, String model, String modelsDir, Integer modelsMax, String alias,
                                 String host, int port, Integer ctxSize, Integer parallel, Integer batchSize,
                                 Integer ubatchSize, Integer threads, Integer threadsBatch, String gpuLayers,
                                 String splitMode, String tensorSplit, List<String> rpc, String cacheTypeK,
                                 String cacheTypeV, boolean mlock, String numa, String reasoningFormat, boolean jinja,
                                 String flashAttn, Integer timeout, boolean metrics, List<String> extra) {
    public LlamaServerCommand {
        rpc = List.copyOf(rpc);
        extra = List.copyOf(extra);
        if (model == null && modelsDir == null) {
            throw new IllegalArgumentException("llama-server needs --model (a GGUF file or a directory) or --models-dir (router mode)");
        }
    }

    /** @param rpc the RPC workers' {@code host:port} endpoints (empty for a single-node server) */
    public static LlamaServerCommand from(LaunchContext c, List<String> rpc) {
        Settings s = c.settings();
        String model = s.get("model").map(m -> GgufPath.resolve(m).orElseThrow(
                () -> new IllegalArgumentException("no .gguf file under model directory " + m))).orElse(null);
        if (model != null && s.get("model").filter(m -> !m.equals(model)).isPresent()) {
            c.note("model " + model + " (found in " + s.get("model").get() + ")");
        } else if (model != null && !java.nio.file.Files.exists(java.nio.file.Path.of(model))) {
            c.note("model " + model + " does not exist on this machine");
        }
        boolean gpus = c.gpus().count() > 0 || !rpc.isEmpty();
        return new LlamaServerCommand(
                s.get("llama-server-bin", "llama-server"),
                model,
                model == null ? s.get("models-dir").orElse(null) : null,
                model == null ? s.integer("models-max").orElse(null) : null,
                s.get("alias").orElse(null),
                c.engineHost(), c.enginePort(),
                s.integer("ctx-size").orElse(null),
                s.integer("parallel").orElse(null),
                s.integer("batch-size").orElse(null),
                s.integer("ubatch-size").orElse(null),
                cpus(s, "threads", Math.max(1, c.cpus() / 2)),
                cpus(s, "threads-batch", c.cpus()),
                gpuLayers(s, gpus),
                s.get("split-mode").orElse(null),
                tensorSplit(c, rpc),
                rpc,
                s.get("cache-type-k").orElse(null),
                s.get("cache-type-v").orElse(null),
                s.bool("mlock", false),
                s.get("numa").orElse(null),
                s.get("reasoning-format").orElse(null),
                s.bool("jinja", false),
                s.get("flash-attn").orElse(null),
                s.integer("timeout").orElse(null),
                s.bool("engine-metrics", true),
                ShellWords.split(s.get("engine-args", "")));
    }

    /** {@code auto} = the seed's defaults (threads: half the CPUs; threads-batch: all of them); unset = engine's. */
    private static Integer cpus(Settings s, String key, int auto) {
        return s.get(key).map(v -> v.equals("auto") ? auto : s.integer(key).orElseThrow()).orElse(null);
    }

    /** Unset or {@code auto}: every layer on the GPUs when there are any (999 is llama.cpp's "all"), else none. */
    private static String gpuLayers(Settings s, boolean gpus) {
        String v = s.get("gpu-layers", "auto");
        if (!v.equals("auto")) return v;
        return gpus ? "999" : null;
    }

    /** Unset or {@code auto}: proportional to local GPU memory when there are several and no RPC devices. */
    private static String tensorSplit(LaunchContext c, List<String> rpc) {
        String v = c.settings().get("tensor-split", "auto");
        if (!v.equals("auto")) return v;
        if (!rpc.isEmpty()) return null;
        String split = c.gpus().tensorSplit();
        if (!split.isEmpty()) c.note("tensor-split " + split + " from GPU memory (" + c.gpus().describe() + ")");
        return split.isEmpty() ? null : split;
    }

    public List<String> argv() {
        return new Args(List.of(binary))
                .opt("--model", model)
                .opt("--models-dir", modelsDir)
                .opt("--models-max", modelsMax)
                .opt("--alias", alias)
                .opt("--host", host)
                .opt("--port", port)
                .opt("--ctx-size", ctxSize)
                .opt("--parallel", parallel)
                .opt("--batch-size", batchSize)
                .opt("--ubatch-size", ubatchSize)
                .opt("--threads", threads)
                .opt("--threads-batch", threadsBatch)
                .opt("-ngl", gpuLayers)
                .opt("--split-mode", splitMode)
                .opt("--tensor-split", tensorSplit)
                .opt("--rpc", rpc.isEmpty() ? null : String.join(",", rpc))
                .opt("--cache-type-k", cacheTypeK)
                .opt("--cache-type-v", cacheTypeV)
                .flag("--mlock", mlock)
                .opt("--numa", numa)
                .opt("--reasoning-format", reasoningFormat)
                .flag("--jinja", jinja)
                .opt("--flash-attn", flashAttn)
                .opt("--timeout", timeout)
                .flag("--metrics", metrics)
                .all(extra)
                .build();
    }
}
