package hearth.server.backend;

import hearth.server.backend.launch.LaunchStep;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One started {@link LaunchStep}: the process, its log pump, and a stop that escalates from SIGTERM to SIGKILL. */
final class ChildProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

    final LaunchStep step;
    private final Process process;
    private final LogPump log;

    private ChildProcess(LaunchStep step, Process process) {
        this.step = step;
        this.process = process;
        this.log = new LogPump(step.name(), process.getInputStream());
    }

    static ChildProcess start(LaunchStep step) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(step.command()).redirectErrorStream(true);
        pb.environment().putAll(step.env());
        Process p = pb.start();
        p.getOutputStream().close();
        LOG.info("started {} (pid {}): {}", step.name(), p.pid(), step.shellLine());
        return new ChildProcess(step, p);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    int exitValue() {
        return process.exitValue();
    }

    List<String> lastLines() {
        log.drain(200);
        return log.tail();
    }

    /**
     * SIGTERM (which srun forwards to the remote task), then up to {@code grace} for the process to exit, then
     * SIGKILL to it and everything it started. Returns true when it stopped within the grace.
     */
    boolean stop(Duration grace) {
        if (!process.isAlive()) return true;
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        boolean stopped;
        try {
            stopped = process.waitFor(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (!stopped) {
            LOG.warn("{} (pid {}) still running {} ms after SIGTERM: killing it", step.name(), pid(), grace.toMillis());
            process.destroyForcibly();
        }
        // children that outlive their parent (an engine's workers) go too
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.drain(500);
        return stopped;
    }

    /** Why the process ended, for logs: {@code exit 1} or {@code killed by signal 9}. */
    String exitDescription() {
        if (process.isAlive()) return "running";
        int v = process.exitValue();
        return v > 128 ? "exit " + v + " (signal " + (v - 128) + ")" : "exit " + v;
    }
}
