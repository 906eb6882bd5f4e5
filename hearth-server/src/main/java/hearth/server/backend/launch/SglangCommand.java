package hearth.server.backend.launch;

import hearth.server.cluster.Settings;
import java.util.List;

/**
 * SGLang's server ({@code python3 -m sglang.launch_server ...}, or {@code sglang serve} for its diffusion
 * builds via {@code sglang-command}) from Hearth's settings, as seed 004 runs GLM-Image on port 30000.
 */
public record SglangCommand(List<String> launcher, String model, String servedModelName, String host, int port,
                            Integer tensorParallel, Double memFractionStatic, Integer contextLength,
                            boolean trustRemoteCode, List<String> extra) {
    public SglangCommand {
        launcher = List.copyOf(launcher);
        extra = List.copyOf(extra);
        if (model == null) throw new IllegalArgumentException("sglang needs --model (a model directory or Hugging Face id)");
    }

    public static SglangCommand from(LaunchContext c) {
        Settings s = c.settings();
        Integer tp = s.get("tensor-parallel-size")
                .map(v -> v.equals("auto") ? Math.max(1, c.gpus().count()) : s.integer("tensor-parallel-size").orElseThrow())
                .orElse(null);
        return new SglangCommand(ShellWords.split(s.get("sglang-command", "python3 -m sglang.launch_server")),
                s.get("model").orElse(null), s.get("alias").orElse(null), c.engineHost(), c.enginePort(), tp,
                VllmCommand.memoryFraction(c, "mem-fraction-static"), s.integer("ctx-size").orElse(null),
                s.bool("trust-remote-code", false), ShellWords.split(s.get("engine-args", "")));
    }

    public List<String> argv() {
        return new Args(launcher)
                .opt("--model-path", model)
                .opt("--served-model-name", servedModelName)
                .opt("--host", host)
                .opt("--port", port)
                .opt("--tp", tensorParallel)
                .opt("--mem-fraction-static", memFractionStatic == null ? null : VllmCommand.fraction(memFractionStatic))
                .opt("--context-length", contextLength)
                .flag("--trust-remote-code", trustRemoteCode)
                .all(extra)
                .build();
    }
}
