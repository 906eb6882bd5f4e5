package hearth.server.backend.launch;

import java.util.Map;
import java.util.Set;

/**
 * The settings the engine launchers read besides Hearth's own options: accepted on {@code hearth serve}'s
 * command line as {@code --key value} (or {@code --key} for a switch), and in profiles.
 */
public final class EngineKeys {
    private EngineKeys() {}

    /** Keys that are switches: {@code --mlock} alone means true. */
    public static final Set<String> SWITCHES = Set.of("mlock", "jinja", "rpc-cache", "engine-metrics", "enable-expert-parallel",
            "trust-remote-code", "disable-log-requests", "enable-auto-tool-choice", "requeue-on-term");

    public static final Set<String> KNOWN = Set.of(
            // llama-server and rpc-server
            "llama-server-bin", "models-dir", "models-max", "gpu-layers", "split-mode", "tensor-split", "rpc", "rpc-workers",
            "rpc-port", "rpc-host", "rpc-threads", "rpc-cache", "rpc-server-bin", "numa", "mlock", "reasoning-format", "jinja",
            "flash-attn", "timeout", "engine-metrics",
            // vLLM and Ray
            "vllm-bin", "tensor-parallel-size", "pipeline-parallel-size", "data-parallel-size", "enable-expert-parallel",
            "expert-parallel-size", "quantization", "max-model-len", "gpu-memory-utilization", "max-num-seqs", "swap-space",
            "kv-cache-dtype", "trust-remote-code", "disable-log-requests", "tool-call-parser", "enable-auto-tool-choice",
            "reasoning-parser", "distributed-executor-backend", "ray-bin", "ray-port", "ray-dashboard-host",
            "ray-dashboard-port", "ray-node-ip",
            // SGLang
            "sglang-command", "mem-fraction-static", "dist-init-addr", "dist-init-port",
            // every engine process
            "engine-args", "engine-env", "engine-host", "engine-port", "engine-stop-grace", "engine-start-timeout",
            "helper-start-timeout", "engine-health-interval", "max-restarts", "restart-backoff", "restart-backoff-max", "engine-log-dir",
            // cluster, registry, upstream
            "nodes", "nodelist", "srun", "srun-args", "nvidia-smi", "scontrol", "registry-dir", "registry-name", "tier",
            "public-url", "registry-interval", "requeue-on-term", "upstream-url", "upstream-api-key", "upstream-timeout");

    /** llama.cpp's and vLLM's short spellings. */
    public static final Map<String, String> SHORT = Map.of("ngl", "gpu-layers", "ts", "tensor-split", "sm", "split-mode",
            "fa", "flash-attn", "tp", "tensor-parallel-size", "pp", "pipeline-parallel-size", "dp", "data-parallel-size");
}
