package hearth.server.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SLURM job this process runs in, read from the variables {@code sbatch}/{@code srun} set.
 *
 * @param jobId        {@code SLURM_JOB_ID}; null outside SLURM
 * @param jobName      {@code SLURM_JOB_NAME}
 * @param nodes        {@code SLURM_JOB_NODELIST} expanded, in allocation order
 * @param thisNode     {@code SLURMD_NODENAME}, else the short host name
 * @param restartCount {@code SLURM_RESTART_COUNT}: how often the job was requeued (0 on the first run)
 * @param cpusPerTask  {@code SLURM_CPUS_PER_TASK}, else {@code SLURM_CPUS_ON_NODE}; 0 when unknown
 * @param gpusOnNode   {@code SLURM_GPUS_ON_NODE}; -1 when unknown
 */
public record SlurmJob(String jobId, String jobName, List<String> nodes, String thisNode, int restartCount,
                       int cpusPerTask, int gpusOnNode) {
    public SlurmJob {
        nodes = List.copyOf(nodes);
    }

    /** The job described by {@code env} (normally {@code System.getenv()}). */
    public static SlurmJob fromEnv(Map<String, String> env) {
        String jobId = first(env, "SLURM_JOB_ID", "SLURM_JOBID");
        List<String> nodes = HostList.expand(first(env, "SLURM_JOB_NODELIST", "SLURM_NODELIST"));
        String thisNode = first(env, "SLURMD_NODENAME");
        if (thisNode == null) thisNode = shortHostName(env);
        int cpus = integer(env, "SLURM_CPUS_PER_TASK", integer(env, "SLURM_CPUS_ON_NODE", 0));
        return new SlurmJob(jobId, first(env, "SLURM_JOB_NAME"), nodes, thisNode,
                integer(env, "SLURM_RESTART_COUNT", 0), cpus, integer(env, "SLURM_GPUS_ON_NODE", -1));
    }

    /** True inside a SLURM allocation. */
    public boolean inSlurm() {
        return jobId != null;
    }

    public Optional<String> id() {
        return Optional.ofNullable(jobId);
    }

    /**
     * The node that runs the engine's head process: this node when it belongs to the job (a batch script runs on
     * the first node), else the first node of the list (a dry run on a login node).
     */
    public String headNode() {
        if (nodes.isEmpty() || nodes.contains(thisNode)) return thisNode;
        return nodes.getFirst();
    }

    /** The job's other nodes, where RPC or Ray workers run. */
    public List<String> workerNodes() {
        String head = headNode();
        return nodes.stream().filter(n -> !n.equals(head)).toList();
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v.strip();
        }
        return null;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = first(env, name);
        if (v == null) return fallback;
        // SLURM_CPUS_ON_NODE may read "8(x2)" in some layouts; the leading number is the per-node count
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
        if (end == 0) return fallback;
        try {
            return Integer.parseInt(v.substring(0, end));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String shortHostName(Map<String, String> env) {
        String h = first(env, "HOSTNAME");
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                h = "localhost";
            }
        }
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }
}
