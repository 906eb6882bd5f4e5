package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    final byte[] data = FakeHub.bytes(30_000, 5);

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo("acme/tiny-GGUF", COMMIT, Map.of("sub/tiny-Q4_K_M.gguf", data), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private PullResult pull(HubSettings s) {
        try (Puller p = new Puller(s, new Recorder())) {
            RepoRef ref = RepoRef.parse("acme/tiny-GGUF", "main");
            return p.pull(ref, Selection.of(ref, null), new LocalDir(tmp.resolve("models")));
        }
    }

    @Test
    void filesLandUnderTheirRepositoryPathsInThePlainDirectory() throws Exception {
        PullResult r = pull(HubFixture.settings(hub, tmp));
        Path file = tmp.resolve("models/sub/tiny-Q4_K_M.gguf");
        assertThat(r.model()).contains(file);
        assertThat(Files.isSymbolicLink(file)).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void aSecondPullAndAnOfflinePullUseTheDirectory() {
        pull(HubFixture.settings(hub, tmp));
        int requests = hub.hits("/cdn/").size();
        assertThat(pull(HubFixture.settings(hub, tmp)).downloaded()).isZero();
        assertThat(pull(HubFixture.settings(hub, tmp).withOffline(true)).model()).contains(tmp.resolve("models/sub/tiny-Q4_K_M.gguf"));
        assertThat(hub.hits("/cdn/")).hasSize(requests);
    }

    @Test
    void aFileChangedLocallyIsDownloadedAgain() throws Exception {
        pull(HubFixture.settings(hub, tmp));
        Path file = tmp.resolve("models/sub/tiny-Q4_K_M.gguf");
        Files.write(file, FakeHub.bytes(10, 9));
        PullResult r = pull(HubFixture.settings(hub, tmp));
        assertThat(r.downloaded()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }
}
