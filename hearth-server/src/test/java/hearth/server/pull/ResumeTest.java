package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    static final String FILE = "tiny-Q4_K_M.gguf";
    @TempDir
    Path tmp;
    FakeHub hub;
    final byte[] data = FakeHub.bytes(400_000, 7);

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo("acme/tiny-GGUF", COMMIT, Map.of(FILE, data), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aConnectionCutMidFileIsResumedWithARangeRequest() throws Exception {
        hub.cutOnce(FILE, 150_000);
        Recorder rec = new Recorder();
        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withConnections(1), "acme/tiny-GGUF", rec);

        assertThat(Files.readAllBytes(r.model().orElseThrow())).isEqualTo(data);
        List<FakeHub.Hit> cdn = hub.hits("/cdn/");
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).range()).isNull();
        long resumedAt = Long.parseLong(cdn.get(1).range().replaceAll("bytes=(\\d+)-", "$1"));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(150_000);
        assertThat(r.downloaded()).as("no byte fetched twice").isEqualTo(data.length);
        assertThat(rec.warnings).singleElement().asString().contains("connection lost at byte " + resumedAt);
    }

    @Test
    void aPullThatGaveUpIsResumedFromItsPartFileByTheNextPull() throws Exception {
        hub.cutOnce(FILE, 150_000);
        HubSettings once = HubFixture.settings(hub, tmp).withConnections(1).withRetries(1, Duration.ofMillis(1));
        assertThatThrownBy(() -> HubFixture.pull(once, "acme/tiny-GGUF", new Recorder()))
                .isInstanceOf(HubException.class).hasMessageContaining("run the same command again to resume");
        Path part = tmp.resolve("cache/models--acme--tiny-GGUF/blobs/" + FakeHub.sha256(data) + ".part");
        assertThat(part).exists();
        long kept = Files.size(part);
        assertThat(kept).isPositive();

        Recorder rec = new Recorder();
        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withConnections(1), "acme/tiny-GGUF", rec);

        assertThat(Files.readAllBytes(r.model().orElseThrow())).isEqualTo(data);
        assertThat(hub.hits("/cdn/").getLast().range()).isEqualTo("bytes=" + kept + "-");
        assertThat(r.downloaded()).isEqualTo(data.length - kept);
        assertThat(rec.resumed).isEqualTo(kept);
        assertThat(part).doesNotExist();
        assertThat(part.resolveSibling(part.getFileName() + ".progress")).doesNotExist();
    }

    @Test
    void parallelRangesResumeEachWhereItStopped() throws Exception {
        hub.cutOnce(FILE, 250_000);  // inside the third of four ranges
        HubSettings s = HubFixture.settings(hub, tmp).withConnections(4).withMinChunk(50_000).withRetries(1, Duration.ofMillis(1));
        assertThatThrownBy(() -> HubFixture.pull(s, "acme/tiny-GGUF", new Recorder())).isInstanceOf(HubException.class);

        PullResult r = HubFixture.pull(s.withRetries(3, Duration.ofMillis(1)), "acme/tiny-GGUF", new Recorder());

        assertThat(Files.readAllBytes(r.model().orElseThrow())).isEqualTo(data);
        assertThat(r.downloaded()).as("only the rest of the broken range").isLessThan(100_000);
    }
}
