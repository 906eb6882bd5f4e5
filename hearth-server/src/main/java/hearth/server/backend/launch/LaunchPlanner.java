package hearth.server.backend.launch;

import hearth.server.backend.EngineKind;
import hearth.server.cluster.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns settings plus the facts found at start into the processes to run ({@link LaunchPlan}). */
public final class LaunchPlanner {
    private LaunchPlanner() {}

    public static LaunchPlan plan(EngineKind kind, LaunchContext c) {
        List<LaunchStep> steps = new ArrayList<>();
        URI url = URI.create("http://" + hostForUrl(c.engineHost()) + ":" + c.enginePort());
        switch (kind) {
            case LLAMA_SERVER -> llamaServer(c, steps);
            case VLLM -> vllm(c, steps);
            case SGLANG -> sglang(c, steps);
            case OPENAI -> url = upstreamBase(c.settings().get("upstream-url").orElseThrow(
                    () -> new IllegalArgumentException("--backend openai needs --upstream-url")));
            case EMBEDDED -> throw new IllegalArgumentException("the embedded backend starts no processes");
        }
        return new LaunchPlan(kind, steps, url, c.notes());
    }

    private static void llamaServer(LaunchContext c, List<LaunchStep> steps) {
        Settings s = c.settings();
        List<String> rpc = new ArrayList<>(s.list("rpc"));
        List<String> rpcNodes = rpcNodes(c);
        if (!rpc.isEmpty() && !rpcNodes.isEmpty()) throw new IllegalArgumentException("set either --rpc or --rpc-workers, not both");
        RpcServerCommand worker = RpcServerCommand.from(s);
        for (String node : rpcNodes) {
            String endpoint = node + ":" + worker.port();
            rpc.add(endpoint);
            steps.add(new LaunchStep("rpc-server " + endpoint, LaunchStep.Role.RPC_WORKER, node, worker.argv(),
                    Map.of(), Optional.of(endpoint), Optional.empty(), c.srun(node)));
        }
        steps.add(engine(c, "llama-server", LlamaServerCommand.from(c, rpc).argv(), engineEnv(s)));
    }

    /** {@code rpc-workers}: {@code slurm} (or {@code auto}) = the job's other nodes; else a host list; unset = none. */
    private static List<String> rpcNodes(LaunchContext c) {
        String v = c.settings().get("rpc-workers", "none");
        return switch (v) {
            case "none", "off", "false" -> List.of();
            case "slurm", "auto" -> {
                if (c.workers().isEmpty()) c.note("rpc-workers " + v + ": no other nodes, serving from this node alone");
                yield c.workers();
            }
            default -> hearth.server.cluster.HostList.expand(v);
        };
    }

    private static void vllm(LaunchContext c, List<LaunchStep> steps) {
        Map<String, String> env = new LinkedHashMap<>(engineEnv(c.settings()));
        if (c.nodes().size() > 1) {
            String address = RayCommand.address(c);
            steps.add(new LaunchStep("ray head " + address, LaunchStep.Role.RAY_HEAD, null, RayCommand.head(c), Map.of(),
                    Optional.of(address), Optional.empty(), List.of()));
            for (String node : c.workers()) {
                steps.add(new LaunchStep("ray worker", LaunchStep.Role.RAY_WORKER, node, RayCommand.worker(c), Map.of(),
                        Optional.empty(), Optional.empty(), c.srun(node)));
            }
            env.put("RAY_ADDRESS", address);
        }
        steps.add(engine(c, "vllm", VllmCommand.from(c).argv(), env));
    }

    /**
     * SGLang over several nodes: ranks 1..N-1 on the other nodes (srun), then rank 0 here, which serves HTTP and is
     * ready when its health URL answers. The ranks have no port of their own to wait for: they meet at rank 0's
     * {@code --dist-init-addr}, retrying until it listens.
     */
    private static void sglang(LaunchContext c, List<LaunchStep> steps) {
        SglangCommand head = SglangCommand.from(c);
        Map<String, String> env = engineEnv(c.settings());
        List<String> workers = c.workers();
        for (int i = 0; i < workers.size(); i++) {
            String node = workers.get(i);
            steps.add(new LaunchStep("sglang rank " + (i + 1), LaunchStep.Role.ENGINE_WORKER, node, head.rank(i + 1).argv(), env,
                    Optional.empty(), Optional.empty(), c.srun(node)));
        }
        steps.add(engine(c, "sglang", head.argv(), env));
    }

    private static LaunchStep engine(LaunchContext c, String name, List<String> argv, Map<String, String> env) {
        URI health = URI.create("http://" + hostForUrl(c.engineHost()) + ":" + c.enginePort() + "/health");
        return new LaunchStep(name, LaunchStep.Role.ENGINE, null, argv, env, Optional.empty(), Optional.of(health), List.of());
    }

    /**
     * The root of an OpenAI-compatible server from what users write ({@code OPENAI_API_BASE} style
     * {@code http://host:8080/v1/}): requests keep their {@code /v1/...} paths.
     */
    public static URI upstreamBase(String url) {
        URI u;
        try {
            u = URI.create(url.strip().replaceAll("/+$", "").replaceAll("/v1$", ""));
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || !"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("--upstream-url must be an http(s) URL with a host, got '" + url + "'");
        }
        return u;
    }

    /** {@code engine-env}: {@code KEY=VALUE} pairs (comma- or space-separated) added to the engine's environment. */
    static Map<String, String> engineEnv(Settings s) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : s.list("engine-env")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("engine-env entries are KEY=VALUE, got '" + pair + "'");
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return env;
    }

    /** The engine is reached on loopback when it listens on every interface. */
    static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
