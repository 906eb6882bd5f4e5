package hearth.server.backend;

import hearth.server.backend.launch.LaunchStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private ChildProcess(LaunchStep step, Process process, Path output, boolean keep) {
        this.step = step;
        this.process = process;
        this.log = new LogPump(step.name(), output, process.toHandle(), keep);
    }

    /**
     * Starts {@code step} with its output going to a file in {@code logDir} (kept there), or to a temporary file
     * (deleted when the child has ended and its output is copied into Hearth's log) when {@code logDir} is null.
     */
    static ChildProcess start(LaunchStep step, Path logDir) throws IOException {
        String stem = "hearth-" + step.name().replaceAll("[^A-Za-z0-9._-]+", "_") + "-";
        Path output = logDir == null ? Files.createTempFile(stem, ".log")
                : Files.createTempFile(Files.createDirectories(logDir), stem, ".log");
        ProcessBuilder pb = new ProcessBuilder(step.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(step.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(output);
            throw e;
        }
        LOG.info("started {} (pid {}): {}", step.name(), p.pid(), step.shellLine());
        return new ChildProcess(step, p, output, logDir != null);
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
        LOG.info("stopping {} (pid {}): SIGTERM, up to {} ms to exit", step.name(), pid(), grace.toMillis());
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
        List<ProcessHandle> left = new java.util.ArrayList<>(descendants);
        left.addAll(process.descendants().toList());
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : left) {
            try {
                h.onExit().get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("pid {} (started by {}) did not exit after SIGKILL", h.pid(), step.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.drain(500);
        LOG.info("{} stopped ({})", step.name(), exitDescription());
        return stopped;
    }

    /** Why the process ended, for logs: {@code exit 1} or {@code killed by signal 9}. */
    String exitDescription() {
        if (process.isAlive()) return "running";
        int v = process.exitValue();
        return v > 128 ? "exit " + v + " (signal " + (v - 128) + ")" : "exit " + v;
    }
}
