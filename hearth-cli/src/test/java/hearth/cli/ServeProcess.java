package hearth.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code hearth serve ...} as a real child JVM on a free port; its log lines are collected; always killed on close. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+:\\d+)");

    final Process process;
    final List<String> log = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final URI base;

    ServeProcess(Path workDir, String... args) throws IOException, InterruptedException {
        this(workDir, java.util.Map.of(), args);
    }

    /** The same with variables set in the otherwise empty environment (SLURM's, for example). */
    ServeProcess(Path workDir, java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "hearth.cli.Main", "serve", "--port", "0"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        String path = System.getenv("PATH");
        pb.environment().clear(); // no PORT, MODEL_PATH... from the test's environment
        if (path != null) pb.environment().put("PATH", path);
        pb.environment().putAll(env);
        process = pb.start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            base = URI.create(await(LISTENING, 30).group(1));
        } catch (AssertionError | InterruptedException e) {
            process.destroyForcibly(); // the constructor failed: nobody else will
            throw e;
        }
    }

    /** Waits for a log line matching {@code p}; fails after {@code seconds}. */
    Matcher await(Pattern p, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (!process.isAlive() && lines.isEmpty()) break;
                continue;
            }
            synchronized (log) {
                log.add(line);
            }
            Matcher m = p.matcher(line);
            if (m.find()) return m;
        }
        String sig = "";
        try {
            sig = java.nio.file.Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream().filter(l -> l.startsWith("Sig")).toList()
                    + " self " + java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Sig")).toList();
        } catch (IOException ignored) {
        }
        throw new AssertionError("no log line matching " + p + "; alive=" + process.isAlive() + " " + sig + "; log so far:\n" + String.join("\n", log));
    }

    /** {@code kill -TERM pid}. */
    void term() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -TERM " + process.pid() + " failed");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
