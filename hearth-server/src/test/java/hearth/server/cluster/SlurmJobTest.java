package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SlurmJobTest {
    @Test
    void readsTheJobFromSlurmVariables() {
        SlurmJob job = SlurmJob.fromEnv(Map.of(
                "SLURM_JOB_ID", "4242", "SLURM_JOB_NAME", "llama-72b", "SLURM_JOB_NODELIST", "vasp-[01-03]",
                "SLURMD_NODENAME", "vasp-01", "SLURM_RESTART_COUNT", "2", "SLURM_CPUS_PER_TASK", "40",
                "SLURM_GPUS_ON_NODE", "1"));
        assertThat(job.inSlurm()).isTrue();
        assertThat(job.jobId()).isEqualTo("4242");
        assertThat(job.jobName()).isEqualTo("llama-72b");
        assertThat(job.nodes()).containsExactly("vasp-01", "vasp-02", "vasp-03");
        assertThat(job.thisNode()).isEqualTo("vasp-01");
        assertThat(job.restartCount()).isEqualTo(2);
        assertThat(job.cpusPerTask()).isEqualTo(40);
        assertThat(job.gpusOnNode()).isEqualTo(1);
    }

    @Test
    void theHeadIsThisNodeAndTheOthersAreWorkers() {
        SlurmJob job = SlurmJob.fromEnv(Map.of("SLURM_JOB_ID", "1", "SLURM_JOB_NODELIST", "gpu[01-03]",
                "SLURMD_NODENAME", "gpu02"));
        assertThat(job.headNode()).isEqualTo("gpu02");
        assertThat(job.workerNodes()).containsExactly("gpu01", "gpu03");
    }

    @Test
    void onALoginNodeTheFirstNodeOfTheListIsTheHead() {
        SlurmJob job = SlurmJob.fromEnv(Map.of("SLURM_JOB_NODELIST", "gpu[01-02]", "HOSTNAME", "login1.cluster.org"));
        assertThat(job.thisNode()).isEqualTo("login1");
        assertThat(job.headNode()).isEqualTo("gpu01");
        assertThat(job.workerNodes()).containsExactly("gpu02");
    }

    @Test
    void outsideSlurmThereIsNoJobAndNoNodes() {
        SlurmJob job = SlurmJob.fromEnv(Map.of("HOSTNAME", "laptop"));
        assertThat(job.inSlurm()).isFalse();
        assertThat(job.id()).isEmpty();
        assertThat(job.nodes()).isEmpty();
        assertThat(job.headNode()).isEqualTo("laptop");
        assertThat(job.workerNodes()).isEmpty();
        assertThat(job.restartCount()).isZero();
        assertThat(job.gpusOnNode()).isEqualTo(-1);
    }

    @Test
    void acceptsTheOlderVariableNamesAndCpusOnNode() {
        SlurmJob job = SlurmJob.fromEnv(Map.of("SLURM_JOBID", "77", "SLURM_NODELIST", "a,b",
                "SLURM_CPUS_ON_NODE", "96(x2)", "SLURMD_NODENAME", "a"));
        assertThat(job.jobId()).isEqualTo("77");
        assertThat(job.nodes()).containsExactly("a", "b");
        assertThat(job.cpusPerTask()).isEqualTo(96);
    }
}
