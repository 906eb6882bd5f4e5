package hearth.server.backend.launch;

import hearth.server.cluster.Settings;
import java.util.List;
import java.util.Locale;

/**
 * {@code vllm serve MODEL ...} from Hearth's settings; names are vLLM's own flags. {@code tensor-parallel-size}
 * {@code auto} = every GPU of every node. vLLM has no expert-parallel size flag: it derives EP = TP × DP once
 * {@code --enable-expert-parallel} is given, so {@code expert-parallel-size} turns that flag on and is checked
 * against TP × DP instead of being passed on.
 */
public record VllmCommand(String binary, String model, String servedModelName, String host, int port,
                          int tensorParallel, Integer pipelineParallel, Integer dataParallel, boolean expertParallel,
                          String quantization, Integer maxModelLen, Double gpuMemoryUtilization, Integer maxNumSeqs,
                          Integer swapSpace, String kvCacheDtype, boolean trustRemoteCode, boolean disableLogRequests,
                          String toolCallParser, boolean autoToolChoice, String reasoningParser,
                          String executorBackend, List<String> extra) {
    public VllmCommand {
        extra = List.copyOf(extra);
        if (model == null) throw new IllegalArgumentException("vllm needs --model (a model directory or Hugging Face id)");
    }

    public static VllmCommand from(LaunchContext c) {
        Settings s = c.settings();
        int perNode = Math.max(1, c.gpus().count());
        int tp = s.get("tensor-parallel-size").filter(v -> !v.equals("auto")).map(v -> s.integer("tensor-parallel-size").orElseThrow())
                .orElse(perNode * c.nodes().size());
        Integer dp = s.integer("data-parallel-size").orElse(null);
        Integer ep = s.integer("expert-parallel-size").orElse(null);
        if (ep != null && ep != tp * (dp == null ? 1 : dp)) {
            throw new IllegalArgumentException("expert-parallel-size " + ep + " must equal tensor-parallel-size × data-parallel-size = "
                    + tp * (dp == null ? 1 : dp) + " (vLLM derives it)");
        }
        String executor = s.get("distributed-executor-backend").orElse(c.nodes().size() > 1 ? "ray" : null);
        return new VllmCommand(
                s.get("vllm-bin", "vllm"), s.get("model").orElse(null), s.get("alias").orElse(null),
                c.engineHost(), c.enginePort(), tp,
                s.integer("pipeline-parallel-size").orElse(null), dp,
                ep != null || s.bool("enable-expert-parallel", false),
                s.get("quantization").orElse(null),
                s.integer("max-model-len").orElse(null),
                memoryFraction(c, "gpu-memory-utilization"),
                s.integer("max-num-seqs").orElse(null),
                s.integer("swap-space").orElse(null),
                s.get("kv-cache-dtype").orElse(null),
                s.bool("trust-remote-code", false),
                s.bool("disable-log-requests", false),
                s.get("tool-call-parser").orElse(null),
                s.bool("enable-auto-tool-choice", s.get("tool-call-parser").isPresent()),
                s.get("reasoning-parser").orElse(null),
                executor,
                ShellWords.split(s.get("engine-args", "")));
    }

    /** A set fraction as is; {@code auto}: 0.90, lowered when the GPUs are partly taken already. */
    static Double memoryFraction(LaunchContext c, String key) {
        String v = c.settings().get(key).orElse(null);
        if (v == null) return null;
        if (!v.equals("auto")) return c.settings().decimal(key).orElseThrow();
        double f = c.gpus().memoryFraction(0.90);
        c.note(key + " " + String.format(Locale.ROOT, "%.2f", f) + " from free GPU memory");
        return f;
    }

    public List<String> argv() {
        return new Args(List.of(binary, "serve", model))
                .opt("--served-model-name", servedModelName)
                .opt("--host", host)
                .opt("--port", port)
                .opt("--tensor-parallel-size", tensorParallel)
                .opt("--pipeline-parallel-size", pipelineParallel)
                .opt("--data-parallel-size", dataParallel)
                .flag("--enable-expert-parallel", expertParallel)
                .opt("--quantization", quantization)
                .opt("--max-model-len", maxModelLen)
                .opt("--gpu-memory-utilization", gpuMemoryUtilization == null ? null : fraction(gpuMemoryUtilization))
                .opt("--max-num-seqs", maxNumSeqs)
                .opt("--swap-space", swapSpace)
                .opt("--kv-cache-dtype", kvCacheDtype)
                .flag("--trust-remote-code", trustRemoteCode)
                .flag("--disable-log-requests", disableLogRequests)
                .opt("--tool-call-parser", toolCallParser)
                .flag("--enable-auto-tool-choice", autoToolChoice)
                .opt("--reasoning-parser", reasoningParser)
                .opt("--distributed-executor-backend", executorBackend)
                .all(extra)
                .build();
    }

    /** 0.85 stays "0.85" (not 0.8500000000000001). */
    static String fraction(double f) {
        return new java.math.BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
    }
}
