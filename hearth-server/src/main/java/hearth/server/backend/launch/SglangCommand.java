package hearth.server.backend.launch;

import hearth.server.cluster.Settings;
import java.util.List;

/**
 * SGLang's server ({@code python3 -m sglang.launch_server ...}, or {@code sglang serve} for its diffusion
 * builds via {@code sglang-command}) from Hearth's settings, as seed 004 runs GLM-Image on port 30000.
 *
 * <p>Across nodes SGLang needs no Ray: the same command runs on every node with {@code --nnodes N},
 * {@code --node-rank R} and {@code --dist-init-addr HEAD:PORT} (where rank 0 listens for the others), and
 * {@code --tp} × {@code --pp-size} counts the GPUs of all nodes. Rank 0, on this node, serves HTTP.
 */
public record SglangCommand(List<String> launcher, String model, String servedModelName, String host, int port,
                            Parallel parallel, Double memFractionStatic, Integer contextLength, String quantization,
                            String toolCallParser, String reasoningParser, boolean trustRemoteCode, Nodes nodes,
                            List<String> extra) {
    /** SGLang's rendezvous port in its own multi-node examples. */
    public static final int DEFAULT_DIST_INIT_PORT = 20000;

    /** Parallel sizes: {@code --tp}, {@code --pp-size}, {@code --dp-size}, {@code --ep-size}; null = SGLang's default. */
    public record Parallel(Integer tp, Integer pp, Integer dp, Integer ep) {
        int gpus() {
            return (tp == null ? 1 : tp) * (pp == null ? 1 : pp);
        }
    }

    /** @param count 1 = a single node: no multi-node flags; @param distInitAddr rank 0's HOST:PORT, null on one node */
    public record Nodes(int count, int rank, String distInitAddr) {
        public Nodes {
            if (rank < 0 || rank >= count) throw new IllegalArgumentException("node rank " + rank + " outside 0.." + (count - 1));
        }
    }

    public SglangCommand {
        launcher = List.copyOf(launcher);
        extra = List.copyOf(extra);
        if (model == null) throw new IllegalArgumentException("sglang needs --model (a model directory or Hugging Face id)");
    }

    /** Rank 0's command (this node); {@link #rank} gives the others'. */
    public static SglangCommand from(LaunchContext c) {
        Settings s = c.settings();
        int nodes = c.nodes().size();
        Integer pp = s.integer("pipeline-parallel-size").orElse(null);
        Parallel parallel = new Parallel(tensorParallel(s, nodes, Math.max(1, c.gpus().count()), pp == null ? 1 : pp), pp,
                s.integer("data-parallel-size").orElse(null), s.integer("expert-parallel-size").orElse(null));
        if (parallel.gpus() % nodes != 0) {
            throw new IllegalArgumentException("sglang over " + nodes + " nodes: tensor-parallel-size × pipeline-parallel-size = "
                    + parallel.gpus() + " GPUs do not split evenly over the nodes");
        }
        String dist = nodes == 1 ? null : s.get("dist-init-addr").orElse(c.head() + ":" + s.integer("dist-init-port", DEFAULT_DIST_INIT_PORT));
        if (dist != null && !dist.matches("[^\\s:]+:\\d{1,5}|\\[[0-9a-fA-F:.]+]:\\d{1,5}")) {
            throw new IllegalArgumentException("dist-init-addr must be HOST:PORT, got '" + dist + "'");
        }
        return new SglangCommand(ShellWords.split(s.get("sglang-command", "python3 -m sglang.launch_server")),
                s.get("model").orElse(null), s.get("alias").orElse(null), c.engineHost(), c.enginePort(), parallel,
                VllmCommand.memoryFraction(c, "mem-fraction-static"), s.integer("ctx-size").orElse(null),
                s.get("quantization").orElse(null), s.get("tool-call-parser").orElse(null), s.get("reasoning-parser").orElse(null),
                s.bool("trust-remote-code", false), new Nodes(nodes, 0, dist), ShellWords.split(s.get("engine-args", "")));
    }

    /**
     * {@code tensor-parallel-size}: a number as given; {@code auto} = every GPU of every node ÷ the pipeline stages;
     * unset = SGLang's default (1) on one node, {@code auto} across nodes (else the other nodes' GPUs sit idle).
     */
    private static Integer tensorParallel(Settings s, int nodes, int perNode, int pp) {
        String v = s.get("tensor-parallel-size").orElse(nodes > 1 ? "auto" : null);
        if (v == null) return null;
        if (!v.equals("auto")) return s.integer("tensor-parallel-size").orElseThrow();
        int gpus = perNode * nodes;
        if (gpus % pp != 0) throw new IllegalArgumentException("tensor-parallel-size auto: " + gpus + " GPUs do not split into " + pp + " pipeline stages");
        return gpus / pp;
    }

    /** The same command for node rank {@code r}. */
    public SglangCommand rank(int r) {
        return new SglangCommand(launcher, model, servedModelName, host, port, parallel, memFractionStatic, contextLength, quantization,
                toolCallParser, reasoningParser, trustRemoteCode, new Nodes(nodes.count(), r, nodes.distInitAddr()), extra);
    }

    public List<String> argv() {
        boolean multi = nodes.count() > 1;
        return new Args(launcher)
                .opt("--model-path", model)
                .opt("--served-model-name", servedModelName)
                .opt("--host", host)
                .opt("--port", port)
                .opt("--tp", parallel.tp())
                .opt("--pp-size", parallel.pp())
                .opt("--dp-size", parallel.dp())
                .opt("--ep-size", parallel.ep())
                .opt("--quantization", quantization)
                .opt("--mem-fraction-static", memFractionStatic == null ? null : VllmCommand.fraction(memFractionStatic))
                .opt("--context-length", contextLength)
                .opt("--tool-call-parser", toolCallParser)
                .opt("--reasoning-parser", reasoningParser)
                .flag("--trust-remote-code", trustRemoteCode)
                .opt("--nnodes", multi ? nodes.count() : null)
                .opt("--node-rank", multi ? nodes.rank() : null)
                .opt("--dist-init-addr", nodes.distInitAddr())
                .all(extra)
                .build();
    }
}
