package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hearth gateway} options, and the gateway in front of real {@code hearth serve --mock} processes. */
class GatewayCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void killServers() {
        servers.forEach(Process::destroyForcibly);
    }

    private static GatewayCommand parse(String... args) {
        return parse(Map.of(), args);
    }

    private static GatewayCommand parse(Map<String, String> env, String... args) {
        GatewayCommand c = new GatewayCommand();
        CommandLine cl = new CommandLine(c);
        cl.setDefaultValueProvider(new EnvDefaults(env, Map.of(), Map.of()));
        cl.parseArgs(args);
        return c;
    }

    @Test
    void flagsOverrideTheConfigFileWhichOverridesTheDefaults(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("gw.yaml"), "port: 9100\nregistry: {dir: reg, heartbeat_ttl: 30s}\n");
        GatewayConfig fromFile = parse("--config", cfg.toString()).effective();
        assertThat(fromFile.port()).isEqualTo(9100);
        assertThat(fromFile.registry().dir()).isEqualTo(dir.resolve("reg"));
        assertThat(fromFile.registry().heartbeatTtl()).isEqualTo(Duration.ofSeconds(30));
        GatewayConfig flags = parse("--config", cfg.toString(), "--port", "9200", "--registry-dir", "/x",
                "--heartbeat-ttl", "2m", "--registry-token", "t").effective();
        assertThat(flags.port()).isEqualTo(9200);
        assertThat(flags.registry().dir()).isEqualTo(Path.of("/x"));
        assertThat(flags.registry().heartbeatTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(flags.registry().token()).isEqualTo("t");
        GatewayConfig fromEnv = parse(Map.of("HEARTH_REGISTRY_TOKEN", "env-token", "PORT", "9300"),
                "--config", cfg.toString()).effective();
        assertThat(fromEnv.registry().token()).isEqualTo("env-token");
        assertThat(fromEnv.port()).isEqualTo(9300);
        GatewayConfig none = parse().effective();
        assertThat(none.port()).isEqualTo(8000);
        assertThat(none.tiers()).extracting(GatewayConfig.TierConfig::prefix).containsExactly("/", "/reasoning/", "/image/");
    }

    @Test
    void printNginxWritesTheSiteForTheRegistry(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.json"), "{\"name\":\"a\",\"tier\":\"fast\",\"url\":\"http://10.1.2.3:8080\"}");
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int rc = new CommandLine(new Main()).execute("gateway", "--registry-dir", dir.toString(), "--port", "8111", "--print-nginx");
            assertThat(rc).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("listen 8111;", "server 10.1.2.3:8080", "proxy_buffering off;");
    }

    private Process serveMock() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--mock", "--port", "0", "--mock-tps", "40", "--mock-ttft-ms", "10")
                .redirectErrorStream(true).start();
        servers.add(p);
        return p;
    }

    private static int port(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep draining its log
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("hearth serve --mock did not start");
    }

    @Test
    void theGatewayBalancesAndFailsOverBetweenHearthServeMockProcesses(@TempDir Path dir) throws Exception {
        Process pa = serveMock(); // both start at once
        Process pb = serveMock();
        int a = port(pa);
        int b = port(pb);
        for (var e : List.of(new Object[] {"mock-a", a}, new Object[] {"mock-b", b}))
            Files.writeString(dir.resolve(e[0] + ".json"), "{\"name\":\"" + e[0] + "\",\"tier\":\"fast\",\"url\":\"http://127.0.0.1:"
                    + e[1] + "\",\"models\":[\"mock\"]}");
        GatewayConfig c = parse("--registry-dir", dir.toString(), "--host", "127.0.0.1", "--port", "0").effective();
        try (Gateway gw = new Gateway(c).start(); HttpClient http = HttpClient.newHttpClient()) {
            URI chat = gw.baseUri().resolve("/v1/chat/completions");
            String body = "{\"model\":\"mock\",\"stream\":true,\"max_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpRequest req = HttpRequest.newBuilder(chat).header("Content-Type", "application/json")
                    .header("x-session-id", "s1").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            String victim = r.headers().firstValue("x-hearth-upstream").orElseThrow();
            BufferedReader events = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            assertThat(events.readLine()).startsWith("data: ");
            servers.get(victim.equals("mock-a") ? 0 : 1).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            List<String> rest = events.lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(rest.getLast()).startsWith("data: {\"error\"");
            assertThat(rest).doesNotContain("data: [DONE]");
            // the next requests all complete on the survivor
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> next = http.send(HttpRequest.newBuilder(chat).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.replace("60", "5"))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(next.statusCode()).isEqualTo(200);
                assertThat(next.headers().firstValue("x-hearth-upstream").orElseThrow()).isNotEqualTo(victim);
                assertThat(next.body()).contains("data: [DONE]");
            }
        }
    }
}
