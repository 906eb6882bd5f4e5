package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    final Instant started = Instant.parse("2026-01-31T10:00:00Z");
    final RegistryEntry entry = new RegistryEntry("reasoning-vasp-01-8081", "reasoning", "http://vasp-01:8081",
            List.of("OR1-Behemoth"), "4242", started, started);

    @Test
    void theEntryHasExactlyTheDocumentedFields() throws IOException {
        JsonNode n = JSON.readTree(entry.toJson());
        assertThat(n.fieldNames()).toIterable().containsExactly("name", "tier", "url", "models", "job_id", "started", "heartbeat");
        assertThat(n.get("name").asText()).isEqualTo("reasoning-vasp-01-8081");
        assertThat(n.get("models").get(0).asText()).isEqualTo("OR1-Behemoth");
        assertThat(n.get("job_id").asText()).isEqualTo("4242");
        assertThat(Instant.parse(n.get("started").asText())).isEqualTo(started);
        JsonNode noJob = JSON.readTree(new RegistryEntry("x", "t", "http://h:1", List.of("a\"b"), null, started, started).toJson());
        assertThat(noJob.get("job_id").isNull()).isTrue();
        assertThat(noJob.get("models").get(0).asText()).isEqualTo("a\"b");
    }

    @Test
    void startWritesTheFileAndDeregisterDeletesIt() throws IOException {
        Path sub = dir.resolve("endpoints");
        RegistryWriter w = new RegistryWriter(sub, entry, () -> null, Clock.fixed(started.plusSeconds(5), ZoneOffset.UTC));
        w.start(Duration.ofHours(1));
        Path file = sub.resolve("reasoning-vasp-01-8081.json");
        assertThat(w.file()).isEqualTo(file);
        JsonNode n = JSON.readTree(file.toFile());
        assertThat(n.get("heartbeat").asText()).isEqualTo("2026-01-31T10:00:05Z");
        assertThat(n.get("url").asText()).isEqualTo("http://vasp-01:8081");
        assertThat(listing(sub)).containsExactly("reasoning-vasp-01-8081.json");
        w.deregister();
        assertThat(file).doesNotExist();
        assertThat(w.registered()).isFalse();
        w.deregister();
    }

    @Test
    void theHeartbeatRefreshesTheFileWithTheCurrentModels() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(started);
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return now.get(); }
        };
        AtomicReference<List<String>> models = new AtomicReference<>(List.of("a"));
        try (RegistryWriter w = new RegistryWriter(dir, entry, models::get, clock).start(Duration.ofMillis(100))) {
            Path file = w.file();
            now.set(started.plusSeconds(30));
            models.set(List.of("a", "b"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            JsonNode n = JSON.readTree(file.toFile());
            while (!n.get("heartbeat").asText().equals("2026-01-31T10:00:30Z") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                n = JSON.readTree(file.toFile());
            }
            assertThat(n.get("heartbeat").asText()).isEqualTo("2026-01-31T10:00:30Z");
            assertThat(n.get("models")).extracting(JsonNode::asText).containsExactly("a", "b");
            assertThat(n.get("started").asText()).isEqualTo("2026-01-31T10:00:00Z");
            assertThat(listing(dir)).allMatch(f -> f.endsWith(".json") && !f.startsWith("."));
        }
        assertThat(listing(dir)).isEmpty();
    }

    @Test
    void anotherProcessEntryInTheDirectoryIsLeftAlone() throws IOException {
        Files.writeString(dir.resolve("fast-vasp-02-8080.json"), "{}");
        RegistryWriter w = new RegistryWriter(dir, entry, () -> null, Clock.systemUTC()).start(Duration.ofHours(1));
        w.deregister();
        assertThat(listing(dir)).containsExactly("fast-vasp-02-8080.json");
    }

    @Test
    void namesOutsideTheGatewaysAlphabetAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                new RegistryEntry("a/b", "t", "http://h:1", List.of(), null, started, started))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
