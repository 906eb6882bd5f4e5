package hearth.server.backend.launch;

import hearth.server.backend.EngineKind;
import hearth.server.cluster.GpuInventory;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;

/** {@code hearth serve --dry-run}: what would run, where, and why, without running anything. */
public final class DryRun {
    private DryRun() {}

    public static String text(EngineKind kind, Settings s, SlurmJob job, GpuInventory gpus, int machineCpus) {
        StringBuilder sb = new StringBuilder();
        LaunchContext c = LaunchContext.resolve(s, job, gpus, machineCpus);
        LaunchPlan plan = LaunchPlanner.plan(kind, c);
        sb.append("# hearth serve").append(s.get("profile").map(p -> " --profile " + p).orElse(""))
                .append(": backend ").append(kind.flag()).append(", API on http://").append(s.get("host", "127.0.0.1"))
                .append(':').append(c.port()).append(" -> engine ").append(plan.engineUrl()).append('\n');
        if (job.inSlurm()) {
            sb.append("# SLURM job ").append(job.jobId()).append(" on ").append(job.thisNode()).append(", nodes ")
                    .append(String.join(",", job.nodes())).append(job.restartCount() > 0 ? ", restart " + job.restartCount() : "")
                    .append('\n');
        } else {
            sb.append("# not in a SLURM job (node ").append(job.thisNode()).append(")\n");
        }
        sb.append("# ").append(gpus.describe()).append("; ").append(c.cpus()).append(" CPUs\n");
        return sb.append(plan.render()).toString();
    }
}
