package hearth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams as real processes that announce themselves with endpoint files; one is killed with SIGKILL in the middle
 * of streams (its file stays behind, as after a crashed job), later its file is removed.
 */
class ProcessKillTest {
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private int spawn(String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), MockUpstream.class.getName(), name, "0", "30", "25", "m")
                .redirectErrorStream(true).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line = out.readLine();
        assertThat(line).as("child %s did not start", name).startsWith("LISTENING ");
        return Integer.parseInt(line.substring(10).trim());
    }

    /** Opens streams with different session ids until one lands on {@code upstream}; returns it after its first event. */
    private static BufferedReader streamOn(String upstream, Client client) throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpRequest req = HttpRequest.newBuilder(client.base().resolve("/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("x-session-id", "probe-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString(Client.chat("m", "probe", 60, true))).build();
            HttpResponse<InputStream> r = client.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            if (upstream.equals(r.headers().firstValue("x-hearth-upstream").orElse(null))) {
                assertThat(in.readLine()).startsWith("data: ");
                return in;
            }
            in.close();
        }
        throw new AssertionError("no session id mapped to " + upstream);
    }

    private static void register(Path dir, String name, int port) throws Exception {
        Path tmp = dir.resolve("." + name + ".json.tmp");
        Files.writeString(tmp, "{\"name\":\"" + name + "\",\"tier\":\"fast\",\"url\":\"http://127.0.0.1:" + port
                + "\",\"models\":[\"m\"],\"job_id\":\"" + name + "-job\",\"heartbeat\":" + System.currentTimeMillis() / 1000 + "}");
        Files.move(tmp, dir.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aKilledUpstreamProcessCostsOnlyItsRunningStreamsWhichEndCleanly(@TempDir Path dir) throws Exception {
        int p1 = spawn("job-1");
        int p2 = spawn("job-2");
        register(dir, "job-1", p1);
        register(dir, "job-2", p2);
        GatewayConfig c = Configs.fast().withRegistry(new GatewayConfig.RegistryConfig(dir, Duration.ofMillis(200),
                Duration.ZERO, null, Duration.ofSeconds(30)));
        try (Gateway gw = new Gateway(c).start();
                Client client = new Client(gw.baseUri());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(gw.tiers().getFirst().upstreams()).hasSize(2);
            for (int port : new int[] {p1, p2}) { // a cold JVM answers its first stream slowly
                try (Client direct = new Client(java.net.URI.create("http://127.0.0.1:" + port))) {
                    assertThat(direct.stream("/v1/chat/completions", Client.chat("m", "warm", 2, true)).completed()).isTrue();
                }
            }
            List<Future<Client.Stream>> streams = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                streams.add(pool.submit(() -> client.stream("/v1/chat/completions", Client.chat("m", "q" + n, 60, true))));
            }
            // one stream known to be past its first event on job-1 when the kill comes
            BufferedReader onVictim = streamOn("job-1", client);
            processes.getFirst().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            List<String> rest = onVictim.lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(rest).isNotEmpty();
            assertThat(rest.getLast()).startsWith("data: {\"error\"").contains("job-1");
            assertThat(rest).noneMatch(l -> l.equals("data: [DONE]"));
            for (Future<Client.Stream> f : streams) {
                Client.Stream s = f.get(15, TimeUnit.SECONDS);
                assertThat(s.failure()).as("%s", s).isNull();
                assertThat(s.completed() || s.endedWithCleanError()).as("%s", s).isTrue();
                if (!s.completed()) assertThat(s.upstream()).isEqualTo("job-1");
            }
            for (int i = 0; i < 5; i++) {
                Client.Stream s = client.stream("/v1/chat/completions", Client.chat("m", "after" + i, 2, true));
                assertThat(s.completed()).as("%s", s).isTrue();
                assertThat(s.upstream()).isEqualTo("job-2");
            }
            Files.delete(dir.resolve("job-1.json"));
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (gw.tiers().getFirst().upstreams().size() != 1 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(gw.tiers().getFirst().upstreams()).extracting(u -> u.name()).containsExactly("job-2");
        }
    }
}
