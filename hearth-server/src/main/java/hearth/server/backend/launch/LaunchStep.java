package hearth.server.backend.launch;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process Hearth starts: the engine itself or a helper (RPC worker, Ray node).
 *
 * @param node     where it runs: null = this node (a plain child), else a SLURM node reached with {@code srun}
 * @param argv     the engine's own command line, without the {@code srun} prefix
 * @param env      variables added to Hearth's environment for it
 * @param ready    a TCP endpoint (host:port) that must accept a connection before the next step starts; the check
 *                 is for start-up only (llama.cpp RPC workers stop accepting once the head holds its connection)
 * @param health   the engine's HTTP health URL, for the engine step
 */
public record LaunchStep(String name, Role role, String node, List<String> argv, Map<String, String> env,
                         Optional<String> ready, Optional<URI> health, List<String> srun) {
    /** ENGINE_WORKER: another node of an engine that spans nodes by itself (SGLang node rank ≥ 1). */
    public enum Role { ENGINE, RPC_WORKER, RAY_HEAD, RAY_WORKER, ENGINE_WORKER }

    public LaunchStep {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        srun = List.copyOf(srun);
    }

    public boolean remote() {
        return node != null;
    }

    /** What is actually executed: {@code srun ... -w NODE argv...} for a remote step, else {@code argv}. */
    public List<String> command() {
        if (!remote()) return argv;
        List<String> cmd = new ArrayList<>(srun);
        cmd.addAll(argv);
        return cmd;
    }

    /** The command as a shell line, variables first ({@code A=1 B=2 cmd ...}) in key order. */
    public String shellLine() {
        StringBuilder sb = new StringBuilder();
        env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append('=').append(ShellWords.quote(e.getValue())).append(' '));
        return sb.append(ShellWords.join(command())).toString();
    }
}
