package hearth.server.backend.launch;

import hearth.server.cluster.Settings;
import java.util.List;

/**
 * {@code ray start} for vLLM's multi-node executor: the head on the first node, a worker on each other node,
 * all with {@code --block} so that each stays a live process Hearth can supervise (and stop) by its PID.
 */
public final class RayCommand {
    private RayCommand() {}

    public static List<String> head(LaunchContext c) {
        Settings s = c.settings();
        return new Args(List.of(s.get("ray-bin", "ray"), "start", "--head"))
                .eq("--port", s.integer("ray-port", 6379))
                .eq("--dashboard-host", s.get("ray-dashboard-host", "0.0.0.0"))
                .eq("--dashboard-port", s.integer("ray-dashboard-port", 8265))
                .eq("--node-ip-address", s.get("ray-node-ip").orElse(null))
                .eq("--num-cpus", c.cpus())
                .eq("--num-gpus", numGpus(c))
                .add("--block")
                .build();
    }

    public static List<String> worker(LaunchContext c) {
        Settings s = c.settings();
        return new Args(List.of(s.get("ray-bin", "ray"), "start"))
                .eq("--address", address(c))
                .eq("--num-cpus", c.cpus())
                .eq("--num-gpus", numGpus(c))
                .add("--block")
                .build();
    }

    /** {@code head:port}: what workers join and what {@code RAY_ADDRESS} tells vLLM. */
    public static String address(LaunchContext c) {
        return c.settings().get("ray-node-ip", c.head()) + ":" + c.settings().integer("ray-port", 6379);
    }

    /** Nodes are taken to be alike: every node offers as many GPUs as this one (none found: Ray detects). */
    private static Integer numGpus(LaunchContext c) {
        return c.gpus().count() > 0 ? c.gpus().count() : null;
    }
}
