package hearth.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry directory: followed by events and rescans, bad or stale files ignored with a reason. */
class RegistryDirectoryTest {
    @TempDir
    Path dir;

    private final AtomicReference<List<Endpoint>> seen = new AtomicReference<>(List.of());

    private static String entry(String name, String tier, int port, String heartbeat) {
        return "{\"name\":\"" + name + "\",\"tier\":\"" + tier + "\",\"url\":\"http://127.0.0.1:" + port + "\""
                + (heartbeat == null ? "" : ",\"heartbeat\":\"" + heartbeat + "\"") + "}";
    }

    private void writeAtomically(String file, String json) throws Exception {
        Path tmp = dir.resolve("." + file + ".tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.get() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(condition.get()).isTrue();
    }

    private List<String> names() {
        return seen.get().stream().map(Endpoint::name).toList();
    }

    @Test
    void filesThatAppearChangeAndDisappearAreFollowed() throws Exception {
        writeAtomically("a.json", entry("a", "fast", 1001, null));
        try (var reg = new RegistryDirectory(dir, Duration.ofSeconds(5), Duration.ZERO, Clock.systemUTC(), seen::set).start()) {
            assertThat(names()).containsExactly("a");
            writeAtomically("b.json", entry("b", "reasoning", 1002, null));
            eventually(() -> names().equals(List.of("a", "b")));
            writeAtomically("b.json", entry("b", "reasoning", 2002, null));
            eventually(() -> seen.get().get(1).url().getPort() == 2002);
            Files.delete(dir.resolve("a.json"));
            eventually(() -> names().equals(List.of("b")));
        }
    }

    @Test
    void withoutChangeEventsTheRescanStillSeesNewFiles() throws Exception {
        Path missing = dir.resolve("later");
        try (var reg = new RegistryDirectory(missing, Duration.ofMillis(100), Duration.ZERO, Clock.systemUTC(), seen::set).start()) {
            assertThat(names()).isEmpty();
            Files.createDirectory(missing); // a mount that shows up after the gateway started
            Files.writeString(missing.resolve("x.json"), entry("x", "fast", 1, null));
            eventually(() -> names().equals(List.of("x")));
        }
    }

    @Test
    void malformedTemporaryAndHiddenFilesAreIgnoredWithAReason() throws Exception {
        Files.writeString(dir.resolve("broken.json"), "{\"name\":\"broken\",");
        Files.writeString(dir.resolve("noname.json"), "{\"tier\":\"fast\",\"url\":\"http://h:1\"}");
        Files.writeString(dir.resolve("half.json.tmp"), entry("half", "fast", 1, null));
        Files.writeString(dir.resolve(".hidden.json"), entry("hidden", "fast", 1, null));
        Files.writeString(dir.resolve("good.json"), entry("good", "fast", 1, null));
        Files.writeString(dir.resolve("twin.json"), entry("good", "fast", 2, null));
        var reg = new RegistryDirectory(dir, Duration.ofSeconds(5), Duration.ZERO, Clock.systemUTC(), seen::set);
        reg.scan();
        assertThat(names()).containsExactly("good");
        assertThat(reg.ignored()).containsOnlyKeys("broken.json", "noname.json", "twin.json");
        assertThat(reg.ignored().get("broken.json")).contains("not valid JSON");
        assertThat(reg.ignored().get("noname.json")).contains("missing \"name\"");
        assertThat(reg.ignored().get("twin.json")).contains("already registered by good.json");
    }

    @Test
    void withAHeartbeatTtlOldEntriesAreIgnoredAndFreshOnesKept() throws Exception {
        Instant now = Instant.parse("2026-02-01T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Files.writeString(dir.resolve("fresh.json"), entry("fresh", "fast", 1, now.minusSeconds(10).toString()));
        Files.writeString(dir.resolve("old.json"), entry("old", "fast", 2, now.minusSeconds(120).toString()));
        var reg = new RegistryDirectory(dir, Duration.ofSeconds(5), Duration.ofSeconds(60), clock, seen::set);
        reg.scan();
        assertThat(names()).containsExactly("fresh");
        assertThat(reg.ignored().get("old.json")).startsWith("stale");
    }

    @Test
    void aFileWithoutHeartbeatIsAsFreshAsItsModificationTime() throws Exception {
        Files.writeString(dir.resolve("m.json"), entry("m", "fast", 1, null));
        Files.setLastModifiedTime(dir.resolve("m.json"), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(600)));
        var reg = new RegistryDirectory(dir, Duration.ofSeconds(5), Duration.ofSeconds(60), Clock.systemUTC(), seen::set);
        reg.scan();
        assertThat(names()).isEmpty();
        assertThat(reg.ignored()).containsKey("m.json");
    }
}
