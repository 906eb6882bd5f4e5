package hearth.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code scontrol requeue JOBID}: puts the job back in the queue after a graceful stop, so that a job ended by
 * its time limit ({@code --signal=B:TERM@60}) comes back; after a preemption SLURM requeues by itself and the
 * extra request is harmless. Needs the job to be submitted with {@code --requeue}.
 */
public final class SlurmRequeue {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmRequeue.class);

    private SlurmRequeue() {}

    /** True when scontrol accepted the request within {@code timeout}. */
    public static boolean requeue(String scontrol, String jobId, Duration timeout) {
        if (jobId == null) {
            LOG.info("not in a SLURM job: nothing to requeue");
            return false;
        }
        try {
            Process p = new ProcessBuilder(List.of(scontrol, "requeue", jobId)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                LOG.warn("{} requeue {} did not finish within {} s", scontrol, jobId, timeout.toSeconds());
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() == 0) {
                LOG.info("requeued SLURM job {}", jobId);
                return true;
            }
            LOG.warn("{} requeue {} failed (exit {}): {}", scontrol, jobId, p.exitValue(), out);
            return false;
        } catch (IOException e) {
            LOG.warn("cannot run {}: {}", scontrol, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
