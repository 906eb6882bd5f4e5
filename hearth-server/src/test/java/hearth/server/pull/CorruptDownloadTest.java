package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptDownloadTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    final byte[] data = FakeHub.bytes(120_000, 21);
    final byte[] readme = "small git file\n".getBytes();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo("acme/tiny-GGUF", COMMIT, Map.of("tiny-Q4_K_M.gguf", data, "README.md", readme), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aCorruptDownloadIsDetectedAndFetchedAgain() throws Exception {
        hub.corrupt("tiny-Q4_K_M.gguf", 1);
        Recorder rec = new Recorder();

        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF", rec);

        assertThat(Files.readAllBytes(r.model().orElseThrow())).isEqualTo(data);
        assertThat(hub.hits("/cdn/")).hasSize(2);
        assertThat(rec.warnings).singleElement().asString().contains("corrupt").contains(FakeHub.sha256(data));
        assertThat(rec.progress.get()).isEqualTo(data.length);
    }

    @Test
    void aFileThatStaysCorruptFailsNamingBothChecksumsAndIsNotInstalled() {
        hub.corrupt("tiny-Q4_K_M.gguf", 100);

        assertThatThrownBy(() -> HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF", new Recorder()))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.INTEGRITY))
                .hasMessageContaining("after 3 downloads").hasMessageContaining("expected " + FakeHub.sha256(data));
        assertThat(tmp.resolve("cache/models--acme--tiny-GGUF/snapshots/" + COMMIT + "/tiny-Q4_K_M.gguf")).doesNotExist();
        assertThat(tmp.resolve("cache/models--acme--tiny-GGUF/blobs/" + FakeHub.sha256(data))).doesNotExist();
    }

    @Test
    void aSmallGitFileIsCheckedAgainstItsBlobId() throws Exception {
        hub.corrupt("README.md", 1);
        try (Puller p = new Puller(HubFixture.settings(hub, tmp), new Recorder())) {
            PullResult r = p.pull(RepoRef.parse("acme/tiny-GGUF", "main"), new Selection(Optional.empty(), List.of("README.md")));
            assertThat(Files.readAllBytes(r.files().getFirst())).isEqualTo(readme);
        }
        assertThat(hub.hits("/resolve/")).hasSize(2);
    }
}
