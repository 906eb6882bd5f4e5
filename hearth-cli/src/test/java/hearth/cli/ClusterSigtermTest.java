package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hearth serve --backend llama-server} as a real process in a (pretend) SLURM job, its engine a real child
 * process (a stand-in llama-server: Hearth's mock model on the engine port), and a real {@code kill -TERM}: not
 * ready, registry entry removed, the request in flight finishes, the engine gets SIGTERM after that, the job is
 * requeued, exit 0.
 */
@DisabledOnOs(OS.WINDOWS)
class ClusterSigtermTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Pattern ENGINE_PID = Pattern.compile("started llama-server \\(pid (\\d+)\\)");

    /** A llama-server stand-in: takes --host/--port/--alias from llama-server's command line, serves the mock model there. */
    static Path fakeLlamaServer(Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path p = dir.resolve("llama-server");
        Files.writeString(p, """
                #!/bin/sh
                host=127.0.0.1; port=8080; alias=fake
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --host) host=$2; shift 2 ;;
                    --port) port=$2; shift 2 ;;
                    --alias) alias=$2; shift 2 ;;
                    *) shift ;;
                  esac
                done
                exec '%s' --add-modules jdk.incubator.vector -XX:TieredStopAtLevel=1 -cp '%s' hearth.cli.Main serve --mock \\
                  --mock-tps 10 --mock-ttft-ms 0 --host "$host" --port "$port" --alias "$alias" --shutdown-grace 5
                """.formatted(java, System.getProperty("java.class.path")));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    static int status(ServeProcess p, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(p.base.resolve(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void sigtermDeregistersDrainsStopsTheEngineRequeuesAndExits(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("endpoints");
        Path scontrolLog = dir.resolve("scontrol.log");
        Path scontrol = dir.resolve("scontrol");
        Files.writeString(scontrol, "#!/bin/sh\necho \"$*\" >> '" + scontrolLog + "'\n");
        Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> slurm = Map.of("SLURM_JOB_ID", "4242", "SLURMD_NODENAME", "node0", "SLURM_JOB_NODELIST", "node0");
        try (ServeProcess p = new ServeProcess(dir, slurm, "--backend", "llama-server", "--llama-server-bin", fakeLlamaServer(dir).toString(),
                "--model", "/models/fake.gguf", "--alias", "fake", "--engine-port", "0", "--registry-dir", registry.toString(),
                "--tier", "test", "--requeue-on-term", "--scontrol", scontrol.toString(), "--shutdown-grace", "15",
                "--engine-stop-grace", "10", "--nvidia-smi", dir.resolve("no-nvidia-smi").toString())) {
            long enginePid = Long.parseLong(find(p, ENGINE_PID).group(1));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (status(p, "/readyz") != 200) {
                assertThat(System.nanoTime()).as("ready in time; log:\n%s", String.join("\n", p.log)).isLessThan(end);
                Thread.sleep(100);
            }
            Path entry = registry.resolve("test-node0-" + p.base.getPort() + ".json");
            long regEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(entry) && System.nanoTime() < regEnd) Thread.sleep(50);
            JsonNode e = new ObjectMapper().readTree(entry.toFile());
            assertThat(e.get("job_id").asText()).isEqualTo("4242");
            assertThat(e.get("tier").asText()).isEqualTo("test");
            assertThat(e.get("url").asText()).isEqualTo("http://node0:" + p.base.getPort());
            assertThat(e.get("models")).extracting(JsonNode::asText).contains("fake");

            try (Socket s = new Socket("127.0.0.1", p.base.getPort())) {
                s.setSoTimeout(20_000);
                byte[] body = "{\"stream\":true,\"max_tokens\":20,\"prompt\":\"a\"}".getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) { }
                assertThat(line).startsWith("data: ");

                p.term();
                p.await(Pattern.compile("SIGTERM: draining"), 10);
                assertThat(status(p, "/readyz")).isEqualTo(503);
                long goneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (Files.exists(entry) && System.nanoTime() < goneBy) Thread.sleep(20);
                assertThat(entry).as("deregistered while the request still runs").doesNotExist();
                assertThat(ProcessHandle.of(enginePid).map(ProcessHandle::isAlive)).contains(true);

                List<String> data = new ArrayList<>();
                while ((line = in.readLine()) != null && !line.equals("data: [DONE]")) if (line.startsWith("data: ")) data.add(line);
                assertThat(line).isEqualTo("data: [DONE]");
                assertThat(data.size()).isGreaterThanOrEqualTo(19);
            }
            assertThat(p.process.waitFor(40, TimeUnit.SECONDS)).as("exited; log:\n%s", String.join("\n", p.log)).isTrue();
            assertThat(p.process.exitValue()).isZero();
            drain(p);
            assertThat(ProcessHandle.of(enginePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(Files.readString(scontrolLog).strip()).isEqualTo("requeue 4242");
            int deregistered = index(p.log, "deregistered");
            int engineTerm = index(p.log, "[llama-server]", "SIGTERM");
            int requeued = index(p.log, "requeued SLURM job 4242");
            assertThat(deregistered).isPositive();
            assertThat(engineTerm).as("the engine is stopped after the drain; log:\n%s", String.join("\n", p.log)).isGreaterThan(deregistered);
            assertThat(requeued).isGreaterThan(engineTerm);
        }
    }

    /** A line already read or the next one that matches. */
    private static Matcher find(ServeProcess p, Pattern pattern) throws InterruptedException {
        synchronized (p.log) {
            for (String l : p.log) {
                Matcher m = pattern.matcher(l);
                if (m.find()) return m;
            }
        }
        return p.await(pattern, 30);
    }

    private static void drain(ServeProcess p) {
        try {
            p.await(Pattern.compile("^\\b\\B$"), 1);
        } catch (AssertionError | InterruptedException expected) {
            // reads the remaining lines into p.log
        }
    }

    private static int index(List<String> log, String... parts) {
        synchronized (log) {
            for (int i = 0; i < log.size(); i++) {
                String l = log.get(i);
                boolean all = true;
                for (String part : parts) all &= l.contains(part);
                if (all) return i;
            }
        }
        return -1;
    }
}
