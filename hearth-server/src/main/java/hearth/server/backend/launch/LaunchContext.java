package hearth.server.backend.launch;

import hearth.server.cluster.GpuInventory;
import hearth.server.cluster.HostList;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a command builder may read: the settings, and the facts found at start (SLURM job, GPUs, CPUs)
 * that fill the settings left on {@code auto}.
 *
 * @param cpus  CPUs for this process: the job's per-task count, else the machine's
 * @param nodes the nodes the deployment spans, head first; placeholders when not in SLURM
 * @param notes remarks for the dry-run and the start log (placeholders used, values derived)
 */
public record LaunchContext(Settings settings, SlurmJob job, GpuInventory gpus, int cpus, List<String> nodes,
                            List<String> notes) {
    public LaunchContext {
        nodes = List.copyOf(nodes);
        notes = new ArrayList<>(notes);
    }

    /**
     * Resolves the node set: the job's nodes (head first, cut to {@code nodes} when that is smaller), else
     * {@code nodelist}, else placeholders {@code node1..nodeN} for a dry run outside SLURM.
     */
    public static LaunchContext resolve(Settings s, SlurmJob job, GpuInventory gpus, int machineCpus) {
        List<String> notes = new ArrayList<>();
        int wanted = s.integer("nodes", 1);
        if (wanted < 1) throw new IllegalArgumentException("nodes must be >= 1, got " + wanted);
        List<String> nodes = new ArrayList<>();
        if (!job.nodes().isEmpty()) {
            nodes.add(job.headNode());
            nodes.addAll(job.workerNodes());
            if (nodes.size() < wanted) {
                throw new IllegalArgumentException("this deployment needs " + wanted + " nodes but SLURM job "
                        + job.jobId() + " has " + nodes.size() + " (" + String.join(",", job.nodes()) + ")");
            }
        } else if (s.get("nodelist").isPresent()) {
            nodes.addAll(HostList.expand(s.get("nodelist").get()));
        } else {
            nodes.add(job.thisNode());
            for (int i = 2; i <= wanted; i++) nodes.add("node" + i);
            if (wanted > 1) notes.add("not in a SLURM job: node2..node" + wanted + " are placeholders (set --nodelist)");
        }
        if (nodes.size() > wanted && s.get("nodes").isPresent()) nodes = new ArrayList<>(nodes.subList(0, wanted));
        int cpus = job.cpusPerTask() > 0 ? job.cpusPerTask() : machineCpus;
        return new LaunchContext(s, job, gpus, cpus, nodes, notes);
    }

    public String head() {
        return nodes.getFirst();
    }

    /** The nodes besides the head. */
    public List<String> workers() {
        return nodes.subList(1, nodes.size());
    }

    public void note(String remark) {
        notes.add(remark);
    }

    /** The srun prefix that runs one task on {@code node}. */
    public List<String> srun(String node) {
        List<String> cmd = new ArrayList<>(List.of(settings.get("srun", "srun"), "--nodes=1", "--ntasks=1", "-w", node));
        cmd.addAll(ShellWords.split(settings.get("srun-args", "")));
        return cmd;
    }

    /** The port Hearth itself listens on. */
    public int port() {
        return settings.integer("port", 8080);
    }

    /** Where the engine listens: {@code engine-port}, else Hearth's port + 1000 (so two tiers on a node differ). */
    public int enginePort() {
        int p = settings.integer("engine-port", port() == 0 ? 0 : port() + 1000);
        if (p < 0 || p > 65535) throw new IllegalArgumentException("engine-port must be 0..65535, got " + p);
        return p;
    }

    public String engineHost() {
        return settings.get("engine-host", "127.0.0.1");
    }
}
