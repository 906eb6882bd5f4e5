package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineTest {
    @TempDir
    Path tmp;
    FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo("acme/tiny-GGUF", COMMIT, Map.of("tiny-Q4_K_M.gguf", FakeHub.bytes(5000, 1), "tiny-Q8_0.gguf", FakeHub.bytes(6000, 2)), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void offlineModeServesWhatIsCachedWithoutAnyRequest() {
        PullResult online = HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:Q4_K_M", new Recorder());
        int requests = hub.hits.size();

        PullResult offline = HubFixture.pull(HubFixture.settings(hub, tmp).withOffline(true), "acme/tiny-GGUF:Q4_K_M", new Recorder());

        assertThat(offline.fromCache()).isTrue();
        assertThat(offline.files()).isEqualTo(online.files());
        assertThat(offline.commit()).isEqualTo(COMMIT);
        assertThat(hub.hits).hasSize(requests);
    }

    @Test
    void offlineModeWithNothingCachedExplainsWhatToDo() {
        assertThatThrownBy(() -> HubFixture.pull(HubFixture.settings(hub, tmp).withOffline(true), "acme/tiny-GGUF", new Recorder()))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.OFFLINE))
                .hasMessageContaining("offline mode (HF_HUB_OFFLINE) is on")
                .hasMessageContaining("not in the local cache (" + tmp.resolve("cache/models--acme--tiny-GGUF") + ")")
                .hasMessageContaining("--model PATH");
        assertThat(hub.hits).isEmpty();
    }

    @Test
    void offlineModeRefusesAQuantisationThatWasNotPulled() {
        HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:Q4_K_M", new Recorder());
        assertThatThrownBy(() -> HubFixture.pull(HubFixture.settings(hub, tmp).withOffline(true), "acme/tiny-GGUF:Q8_0", new Recorder()))
                .isInstanceOf(HubException.class).hasMessageContaining("lacks what was asked").hasMessageContaining("Q8_0");
    }

    @Test
    void anUnreachableHubFallsBackToTheCache() throws Exception {
        HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:Q4_K_M", new Recorder());
        URI dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        Recorder rec = new Recorder();

        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withEndpoint(dead), "acme/tiny-GGUF:Q4_K_M", rec);

        assertThat(r.fromCache()).isTrue();
        assertThat(r.model()).isPresent();
        assertThat(rec.warnings).singleElement().asString().startsWith("cannot reach " + dead).endsWith("using the local cache");
    }
}
