package hearth.server.backend.launch;

import hearth.server.backend.EngineKind;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What {@code hearth serve} starts for an external engine, in order: helpers first (RPC workers, Ray head and
 * workers), the engine last. {@code engineUrl} is the engine's OpenAI base (no {@code /v1}); for {@code openai}
 * it is the upstream and there are no steps.
 */
public record LaunchPlan(EngineKind kind, List<LaunchStep> steps, URI engineUrl, List<String> notes) {
    public LaunchPlan {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }

    public Optional<LaunchStep> engine() {
        return steps.stream().filter(s -> s.role() == LaunchStep.Role.ENGINE).findFirst();
    }

    public List<LaunchStep> helpers() {
        return steps.stream().filter(s -> s.role() != LaunchStep.Role.ENGINE).toList();
    }

    /**
     * The dry-run text: one comment line per step saying what and where, then the exact command as a shell
     * line; notes last.
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (LaunchStep s : steps) {
            sb.append("# ").append(s.name()).append(" on ").append(s.remote() ? s.node() + " (srun)" : "this node");
            s.ready().ifPresent(r -> sb.append(", ready when ").append(r).append(" accepts connections"));
            s.health().ifPresent(h -> sb.append(", ready when ").append(h).append(" answers 200"));
            sb.append('\n').append(s.shellLine()).append('\n');
        }
        if (steps.isEmpty() && kind == EngineKind.OPENAI) sb.append("# no process: proxy to ").append(engineUrl).append('\n');
        for (String n : notes) sb.append("# note: ").append(n).append('\n');
        return sb.toString();
    }
}
