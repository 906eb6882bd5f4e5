package hearth.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.gateway.Gateway;
import hearth.gateway.GatewayConfig;
import hearth.gateway.testing.Client;
import hearth.gateway.testing.Configs;
import hearth.gateway.testing.MockUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstreams that come and go through endpoint files and {@code POST /registry}, while requests flow. */
class RegistryEndToEndTest {
    private static final String TOKEN = "reg-secret";

    @TempDir
    Path dir;

    private MockUpstream a;
    private MockUpstream b;
    private Gateway gateway;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        a = new MockUpstream("a", "m");
        b = new MockUpstream("b", "m");
        GatewayConfig c = Configs.fast().withRegistry(new GatewayConfig.RegistryConfig(dir, Duration.ofMillis(200),
                Duration.ofSeconds(2), TOKEN, Duration.ofMillis(800)));
        gateway = new Gateway(c).start();
        client = new Client(gateway.baseUri());
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        a.close();
        b.close();
    }

    private void writeEntry(String name, MockUpstream u, Instant heartbeat) throws Exception {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, "{\"name\":\"" + name + "\",\"tier\":\"fast\",\"url\":\"" + u.url() + "\",\"models\":[\"m\"],"
                + "\"job_id\":\"4242\",\"started\":\"" + heartbeat + "\",\"heartbeat\":" + heartbeat.getEpochSecond() + "}");
        Files.move(tmp, dir.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    private List<String> names() {
        return gateway.tiers().getFirst().upstreams().stream().map(u -> u.name()).toList();
    }

    private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.get() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(condition.get()).isTrue();
    }

    /** Entries whose servers are running: their files get a fresh heartbeat every 300 ms, as real servers do. */
    private final Map<String, MockUpstream> beating = new ConcurrentHashMap<>();

    private synchronized void startBeating(String name, MockUpstream u) throws Exception {
        beating.put(name, u);
        writeEntry(name, u, Instant.now());
    }

    private synchronized void stopAndRemove(String name) throws Exception {
        beating.remove(name);
        Files.delete(dir.resolve(name + ".json"));
    }

    private synchronized void beat() throws Exception {
        for (var e : beating.entrySet()) writeEntry(e.getKey(), e.getValue(), Instant.now());
    }

    @Test
    void upstreamsAddedAndRemovedAsFilesDuringTrafficLoseNoRequest() throws Exception {
        // heartbeats are whole seconds and the ttl is 2 s: without refreshing, a slow machine would see entries expire
        Thread heart = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(300);
                    beat();
                }
            } catch (InterruptedException stop) {
                // test over
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            startBeating("a", a);
            eventually(() -> names().equals(List.of("a")));
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Client.Stream>> all = new ArrayList<>();
                for (int round = 0; round < 6; round++) {
                    for (int i = 0; i < 5; i++)
                        all.add(pool.submit(() -> client.stream("/v1/chat/completions", Client.chat("m", "x", 4, true))));
                    if (round == 1) startBeating("b", b);
                    if (round == 3) stopAndRemove("a");
                    Thread.sleep(150);
                }
                for (Future<Client.Stream> f : all) {
                    Client.Stream st = f.get(15, TimeUnit.SECONDS);
                    assertThat(st.completed()).as(st.toString()).isTrue();
                }
            }
            eventually(() -> names().equals(List.of("b")));
            assertThat(b.requests()).isPositive();
        } finally {
            heart.interrupt();
            heart.join();
        }
    }

    @Test
    void aFileWhoseHeartbeatIsOlderThanTheTtlDropsOut() throws Exception {
        writeEntry("a", a, Instant.now());
        eventually(() -> names().equals(List.of("a")));
        // the server stopped refreshing its file two seconds ago (ttl 2 s): it drops out on the next rescan
        writeEntry("a", a, Instant.now().minusSeconds(3));
        eventually(() -> names().isEmpty());
        var status = Client.json(client.get("/gateway/status").body());
        assertThat(status.path("registry").path("ignored").path("a.json").asText()).startsWith("stale");
        var r = client.post("/v1/chat/completions", Client.chat("m", "q", 2, false));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(a.requests()).isZero();
    }

    @Test
    void anHttpRegistrationServesUntilItsTtlPassesWithoutHeartbeat() throws Exception {
        String entry = "{\"name\":\"h1\",\"tier\":\"fast\",\"url\":\"" + a.url() + "\",\"models\":[\"m\"]}";
        var reg = client.post("/registry", entry, "Authorization", "Bearer " + TOKEN);
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        assertThat(names()).containsExactly("h1");
        assertThat(client.post("/v1/chat/completions", Client.chat("m", "q", 2, false)).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) { // heartbeats keep it alive past the 800 ms ttl
            Thread.sleep(400);
            assertThat(client.post("/registry", entry, "X-Registry-Token", TOKEN).statusCode()).isEqualTo(200);
        }
        assertThat(names()).containsExactly("h1");
        eventually(() -> names().isEmpty());
    }

    @Test
    void anHttpRegistrationCanBeDeletedByName() throws Exception {
        String entry = "{\"name\":\"h2\",\"tier\":\"fast\",\"url\":\"" + b.url() + "\"}";
        assertThat(client.post("/registry", entry, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(client.delete("/registry/h2", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(204);
        assertThat(names()).isEmpty();
        assertThat(client.delete("/registry/h2", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void theRegistryRefusesAWrongTokenAnUnknownTierAndAMalformedEntry() throws Exception {
        String entry = "{\"name\":\"h3\",\"tier\":\"fast\",\"url\":\"" + b.url() + "\"}";
        var wrong = client.post("/registry", entry, "Authorization", "Bearer nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Client.json(wrong.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
        var tier = client.post("/registry", entry.replace("fast", "gpu-xl"), "Authorization", "Bearer " + TOKEN);
        assertThat(tier.statusCode()).isEqualTo(400);
        assertThat(Client.json(tier.body()).path("error").path("message").asText()).contains("unknown tier 'gpu-xl'");
        var bad = client.post("/registry", "{\"name\":\"h3\"}", "Authorization", "Bearer " + TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Client.json(bad.body()).path("error").path("code").asText()).isEqualTo("invalid_endpoint");
        assertThat(names()).isEmpty();
    }
}
