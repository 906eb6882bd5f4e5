package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.gateway.Gateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two real {@code hearth serve} processes write their registry entries into one directory that a real
 * {@code hearth gateway} reads: the gateway routes to each once it is registered; SIGTERM removes a server's entry
 * while it still drains, and the gateway stops sending it work although the process is still up.
 */
@DisabledOnOs(OS.WINDOWS)
class ServeRegistryGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static ServeProcess serve(Path dir, Path registry) throws Exception {
        return new ServeProcess(dir, Map.of("SLURM_JOB_ID", "9100", "SLURMD_NODENAME", "127.0.0.1"), "--mock", "--mock-tps", "20",
                "--mock-ttft-ms", "0", "--registry-dir", registry.toString(), "--tier", "fast", "--registry-interval", "1",
                "--shutdown-grace", "20");
    }

    static String name(ServeProcess p) {
        return "fast-127.0.0.1-" + p.base.getPort();
    }

    /** Names of the eligible upstreams of the gateway's fast tier, from /gateway/status. */
    static Set<String> upstreams(Gateway gw) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gw.baseUri().resolve("/gateway/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        Set<String> names = new HashSet<>();
        for (JsonNode tier : JSON.readTree(r.body()).path("tiers")) {
            if (!tier.path("name").asText().equals("fast")) continue;
            for (JsonNode u : tier.path("upstreams")) if (u.path("eligible").asBoolean()) names.add(u.path("name").asText());
        }
        return names;
    }

    static HttpResponse<String> chat(URI base) throws Exception {
        String body = "{\"model\":\"mock\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            Thread.sleep(50);
        }
    }

    interface Check {
        boolean test() throws Exception;
    }

    static BooleanSupplier quietly(Check c) {
        return () -> {
            try {
                return c.test();
            } catch (Exception e) {
                return false;
            }
        };
    }

    @Test
    void theGatewayFollowsServersThatRegisterAndDeregisterThemselves(@TempDir Path dir) throws Exception {
        Path registry = Files.createDirectories(dir.resolve("endpoints"));
        GatewayCommand cmd = new GatewayCommand();
        new CommandLine(cmd).setDefaultValueProvider(new EnvDefaults(Map.of(), Map.of(), Map.of()))
                .parseArgs("--registry-dir", registry.toString(), "--host", "127.0.0.1", "--port", "0");
        try (ServeProcess a = serve(dir, registry); ServeProcess b = serve(dir, registry); Gateway gw = new Gateway(cmd.effective()).start()) {
            await(quietly(() -> upstreams(gw).equals(Set.of(name(a), name(b)))), 30, "both servers registered and eligible");
            JsonNode entry = JSON.readTree(registry.resolve(name(a) + ".json").toFile());
            assertThat(entry.path("url").asText()).isEqualTo("http://127.0.0.1:" + a.base.getPort());
            assertThat(entry.path("job_id").asText()).isEqualTo("9100");

            Set<String> servedBy = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> r = chat(gw.baseUri());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                servedBy.add(r.headers().firstValue("x-hearth-upstream").orElseThrow());
            }
            assertThat(servedBy).isSubsetOf(name(a), name(b)).isNotEmpty();

            // a's stream keeps it draining after SIGTERM: the process lives on, but its entry goes at once
            try (Socket s = new Socket("127.0.0.1", a.base.getPort())) {
                s.setSoTimeout(30_000);
                byte[] body = "{\"stream\":true,\"max_tokens\":60,\"prompt\":\"a\"}".getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) { }

                a.term();
                await(() -> !Files.exists(registry.resolve(name(a) + ".json")), 10, "a's entry removed");
                await(quietly(() -> upstreams(gw).equals(Set.of(name(b)))), 15, "the gateway dropped a");
                assertThat(a.process.isAlive()).as("a still drains its stream").isTrue();
                List<String> after = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    HttpResponse<String> r = chat(gw.baseUri());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    after.add(r.headers().firstValue("x-hearth-upstream").orElseThrow());
                }
                assertThat(after).containsOnly(name(b));
                while ((line = in.readLine()) != null && !line.equals("data: [DONE]")) { }
                assertThat(line).isEqualTo("data: [DONE]");
            }
            assertThat(a.process.waitFor(40, TimeUnit.SECONDS)).isTrue();
            assertThat(a.process.exitValue()).isZero();
            assertThat(registry.resolve(name(b) + ".json")).exists();
        }
    }

}
