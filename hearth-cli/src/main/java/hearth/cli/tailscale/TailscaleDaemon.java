package hearth.cli.tailscale;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The background {@code tailscaled} of one state directory, found again through its pid file: started detached
 * (output appended to its log, no stdin) so that it outlives the {@code hearth} that started it, and stopped with
 * SIGTERM (SIGKILL after a grace).
 */
public final class TailscaleDaemon {
    private final TailscaleSetup setup;

    public TailscaleDaemon(TailscaleSetup setup) {
        this.setup = setup;
    }

    /**
     * The running daemon of this state directory: the pid file names a live process, and (where the system shows
     * command lines) one that was started with this directory's socket. A pid file left by a daemon that died, whose
     * pid now belongs to something else, does not count.
     */
    public Optional<ProcessHandle> running() {
        Optional<Long> pid = pidFromFile();
        if (pid.isEmpty()) return Optional.empty();
        Optional<ProcessHandle> h = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        return h.filter(this::isOurs);
    }

    /**
     * Whether {@code h} was started with this state directory's socket. A relative {@code --socket} (a daemon started
     * by hand or by an older script) is resolved against the daemon's working directory.
     */
    private boolean isOurs(ProcessHandle h) {
        Optional<String[]> args = h.info().arguments();
        if (args.isEmpty()) return true; // the system does not say: trust the pid file
        for (String a : args.get()) {
            if (!a.startsWith("--socket=")) continue;
            Path given = Path.of(a.substring("--socket=".length()));
            if (!given.isAbsolute()) {
                try {
                    given = Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).resolve(given);
                } catch (IOException | UnsupportedOperationException e) {
                    return true; // cannot tell where it ran: trust the pid file
                }
            }
            return given.normalize().equals(setup.socket());
        }
        return false;
    }

    Optional<Long> pidFromFile() {
        try {
            if (!Files.isRegularFile(setup.pidFile())) return Optional.empty();
            return Optional.of(Long.parseLong(Files.readString(setup.pidFile()).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts {@code argv} in the background and waits until its control socket appears; the pid file is written as
     * soon as the process exists. Fails with the daemon's last log lines when it exits or never creates the socket.
     */
    public ProcessHandle start(List<String> argv, Map<String, String> environment, Duration wait) throws IOException, InterruptedException {
        Files.deleteIfExists(setup.socket()); // left by a daemon that was killed; tailscaled refuses to bind over it
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(setup.log().toFile()))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        writePid(p.pid());
        long deadline = System.nanoTime() + wait.toNanos();
        while (!Files.exists(setup.socket())) {
            if (!p.isAlive()) {
                Files.deleteIfExists(setup.pidFile());
                throw new IOException("tailscaled exited (status " + p.exitValue() + ") before it opened " + setup.socket()
                        + "; its last lines:\n" + lastLines(8) + "(log: " + setup.log() + ")");
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                Files.deleteIfExists(setup.pidFile());
                throw new IOException("tailscaled did not open " + setup.socket() + " within " + wait.toSeconds()
                        + " s; stopped it. Its last lines:\n" + lastLines(8) + "(log: " + setup.log() + ")");
            }
            Thread.sleep(50);
        }
        return p.toHandle();
    }

    /**
     * SIGTERM, up to {@code grace} for it to exit, then SIGKILL; removes the pid file and a socket left behind.
     * Returns how it went, for the user.
     */
    public String stop(ProcessHandle h, Duration grace) throws IOException {
        String how;
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            how = "stopped tailscaled (pid " + h.pid() + ")";
        } catch (java.util.concurrent.TimeoutException e) {
            h.destroyForcibly();
            how = "tailscaled (pid " + h.pid() + ") ignored SIGTERM for " + grace.toSeconds() + " s; killed it";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            h.destroyForcibly();
            how = "interrupted; killed tailscaled (pid " + h.pid() + ")";
        } catch (java.util.concurrent.ExecutionException e) {
            how = "stopped tailscaled (pid " + h.pid() + ")";
        }
        cleanUp();
        return how;
    }

    /** Removes the pid file and the socket (after the daemon is gone, or when the pid file was stale). */
    public void cleanUp() throws IOException {
        Files.deleteIfExists(setup.pidFile());
        Files.deleteIfExists(setup.socket());
    }

    private void writePid(long pid) throws IOException {
        Path tmp = setup.stateDir().resolve(".tailscaled.pid.tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, setup.pidFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The end of the daemon's log, each line indented. */
    String lastLines(int n) {
        try {
            if (!Files.exists(setup.log())) return "  (no log)\n";
            List<String> lines = Files.readAllLines(setup.log(), StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (String l : lines.subList(Math.max(0, lines.size() - n), lines.size())) sb.append("  ").append(l).append('\n');
            return sb.isEmpty() ? "  (empty log)\n" : sb.toString();
        } catch (IOException | java.io.UncheckedIOException e) {
            return "  (log unreadable: " + e.getMessage() + ")\n";
        }
    }
}
