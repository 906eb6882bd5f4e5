package hearth.cli.tailscale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code tailscale} CLI: its standard output is collected (status JSON), its standard error is passed on
 * line by line as it comes (a login URL must show while {@code up} still waits).
 */
final class Cli {
    record Result(int status, String out) {}

    private Cli() {}

    /**
     * @param timeout null = wait as long as it takes (an interactive login)
     * @param passOut its standard output is passed on to {@code err} as well instead of being collected
     */
    static Result run(List<String> argv, Map<String, String> environment, PrintStream err, Duration timeout, boolean passOut)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread outReader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), passOut ? err::println : line -> {
            synchronized (out) {
                out.append(line).append('\n');
            }
        }));
        Thread errReader = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err::println));
        if (timeout == null) {
            p.waitFor();
        } else if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new IOException(String.join(" ", argv.subList(0, Math.min(3, argv.size()))) + " gave no answer within "
                    + timeout.toSeconds() + " s");
        }
        outReader.join(2000);
        errReader.join(2000);
        synchronized (out) {
            return new Result(p.exitValue(), out.toString());
        }
    }

    private static void copy(InputStream in, java.util.function.Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) sink.accept(line);
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
