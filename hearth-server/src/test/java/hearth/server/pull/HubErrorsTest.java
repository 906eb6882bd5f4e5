package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubErrorsTest {
    @TempDir
    Path tmp;
    FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo("acme/tiny-GGUF", COMMIT, Map.of("tiny-Q4_K_M.gguf", FakeHub.bytes(1000, 1), "tiny-Q8_0.gguf", FakeHub.bytes(1000, 2)), false);
        hub.repo("acme/gated-GGUF", COMMIT, Map.of("g-Q4_K_M.gguf", FakeHub.bytes(1000, 3)), true);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubException pullFails(HubSettings s, String spec) {
        try {
            HubFixture.pull(s, spec, new Recorder());
        } catch (HubException e) {
            return e;
        }
        throw new AssertionError("pull of " + spec + " succeeded");
    }

    @Test
    void aMissingRepositoryIsNamed() {
        HubException e = pullFails(HubFixture.settings(hub, tmp), "acme/nothing-here");
        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
        assertThat(e).hasMessageStartingWith("repository acme/nothing-here not found");
    }

    @Test
    void aMissingQuantisationListsTheOnesThere() {
        HubException e = pullFails(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:Q5_K_S");
        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
        assertThat(e).hasMessage("acme/tiny-GGUF has no GGUF file for quantisation 'Q5_K_S'; quantisations there: Q4_K_M, Q8_0");
    }

    @Test
    void aMissingRevisionIsNamed() {
        HubSettings s = HubFixture.settings(hub, tmp);
        try (Puller p = new Puller(s, new Recorder())) {
            RepoRef ref = RepoRef.parse("acme/tiny-GGUF", "v9");
            assertThatThrownBy(() -> p.pull(ref, Selection.defaults())).isInstanceOf(HubException.class)
                    .hasMessageContaining("revision not found").hasMessageContaining("'v9'");
        }
    }

    @Test
    void aFileMissingAtDownloadIsNamedAndNothingIsInstalled() {
        hub.hide("tiny-Q8_0.gguf");
        HubException e = pullFails(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:Q8_0");
        assertThat(e.kind()).isEqualTo(HubException.Kind.NOT_FOUND);
        assertThat(e).hasMessage("not found on the hub: file 'tiny-Q8_0.gguf' (hub says: tiny-Q8_0.gguf does not exist on \"" + COMMIT + "\")");
        assertThat(tmp.resolve("cache/models--acme--tiny-GGUF/snapshots")).doesNotExist();
    }

    @Test
    void aGatedRepositoryWithoutTokenAsksForHfToken() {
        HubException e = pullFails(HubFixture.settings(hub, tmp), "acme/gated-GGUF");
        assertThat(e.kind()).isEqualTo(HubException.Kind.UNAUTHORIZED);
        assertThat(e).hasMessageContaining("acme/gated-GGUF needs authentication (HTTP 401)").hasMessageContaining("Set HF_TOKEN")
                .hasMessageContaining("is restricted");
        assertThat(tmp.resolve("cache/models--acme--gated-GGUF/snapshots")).doesNotExist();
    }

    @Test
    void aGatedRepositoryWithTheRightTokenPulls() {
        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withToken(FakeHub.TOKEN), "acme/gated-GGUF", new Recorder());
        assertThat(r.model()).isPresent();
    }

    @Test
    void aWrongTokenIsReportedAsRefused() {
        HubException e = pullFails(HubFixture.settings(hub, tmp).withToken("hf_wrong"), "acme/gated-GGUF");
        assertThat(e).hasMessageContaining("refused HF_TOKEN");
    }

    @Test
    void aListingThatPointsOutsideTheRepositoryIsRefused() {
        hub.repo("evil/repo", COMMIT, Map.of("../../escape.gguf", FakeHub.bytes(10, 1)), false);
        HubException e = pullFails(HubFixture.settings(hub, tmp), "evil/repo");
        assertThat(e.kind()).isEqualTo(HubException.Kind.PROTOCOL);
        assertThat(e).hasMessageContaining("unsafe file path");
        assertThat(tmp.resolve("escape.gguf")).doesNotExist();
    }
}
