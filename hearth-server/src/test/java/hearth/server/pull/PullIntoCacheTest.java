package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullIntoCacheTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    final byte[] q4 = FakeHub.bytes(200_000, 1);
    final byte[] q8 = FakeHub.bytes(300_000, 2);
    final byte[] readme = "# tiny\n".getBytes();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo("acme/tiny-GGUF", COMMIT, Map.of("tiny-Q4_K_M.gguf", q4, "tiny-Q8_0.gguf", q8, "README.md", readme), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void oneQuantisationLandsInTheHubCacheLayout() throws Exception {
        Recorder rec = new Recorder();
        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:Q4_K_M", rec);

        Path repoDir = tmp.resolve("cache/models--acme--tiny-GGUF");
        Path snap = repoDir.resolve("snapshots/" + COMMIT + "/tiny-Q4_K_M.gguf");
        assertThat(r.files()).containsExactly(snap);
        assertThat(r.model()).contains(snap);
        assertThat(r.commit()).isEqualTo(COMMIT);
        assertThat(Files.isSymbolicLink(snap)).isTrue();
        assertThat(Files.readAllBytes(snap)).isEqualTo(q4);
        assertThat(repoDir.resolve("blobs/" + FakeHub.sha256(q4))).exists();
        assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(COMMIT);
        assertThat(hub.hits("tiny-Q8_0")).isEmpty();
        assertThat(r.downloaded()).isEqualTo(q4.length);
        assertThat(rec.total).isEqualTo(q4.length);
        assertThat(rec.progress.get()).isEqualTo(q4.length);
    }

    @Test
    void quantisationNamesMatchWhateverTheirCase() {
        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF:q8_0", new Recorder());
        assertThat(r.model().orElseThrow().getFileName()).hasToString("tiny-Q8_0.gguf");
    }

    @Test
    void aSecondPullDownloadsNothing() {
        HubSettings s = HubFixture.settings(hub, tmp);
        PullResult first = HubFixture.pull(s, "acme/tiny-GGUF:Q4_K_M", new Recorder());
        int before = hub.hits("/resolve/").size();
        Recorder rec = new Recorder();
        PullResult second = HubFixture.pull(s, "acme/tiny-GGUF:Q4_K_M", rec);

        assertThat(second.files()).isEqualTo(first.files());
        assertThat(second.downloaded()).isZero();
        assertThat(hub.hits("/resolve/")).hasSize(before);
        assertThat(rec.done).containsExactly("tiny-Q4_K_M.gguf cached");
    }

    @Test
    void everySplitOfASplitModelIsPulledAndTheFirstIsTheModel() {
        byte[][] parts = {FakeHub.bytes(50_000, 3), FakeHub.bytes(50_000, 4), FakeHub.bytes(20_000, 5)};
        hub.repo("acme/big-GGUF", COMMIT, Map.of(
                "UD-Q4_K_XL/big-UD-Q4_K_XL-00001-of-00003.gguf", parts[0],
                "UD-Q4_K_XL/big-UD-Q4_K_XL-00002-of-00003.gguf", parts[1],
                "UD-Q4_K_XL/big-UD-Q4_K_XL-00003-of-00003.gguf", parts[2],
                "big-Q8_0.gguf", q8), false);

        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp), "acme/big-GGUF:UD-Q4_K_XL", new Recorder());

        assertThat(r.files()).hasSize(3);
        assertThat(r.model().orElseThrow().toString()).endsWith("UD-Q4_K_XL/big-UD-Q4_K_XL-00001-of-00003.gguf");
        assertThat(hub.hits("big-Q8_0")).isEmpty();
    }

    @Test
    void withoutAQuantisationTheDefaultQ4KMIsChosen() {
        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp), "acme/tiny-GGUF", new Recorder());
        assertThat(r.files()).extracting(p -> p.getFileName().toString()).containsExactly("tiny-Q4_K_M.gguf");
    }

    @Test
    void includeGlobsSelectAnyFilesAcrossListingPages() {
        hub.pageSize = 1;  // three files, three pages
        try (Puller p = new Puller(HubFixture.settings(hub, tmp), new Recorder())) {
            RepoRef ref = RepoRef.parse("acme/tiny-GGUF", "main");
            PullResult r = p.pull(ref, new Selection(java.util.Optional.empty(), List.of("*.md", "*Q8_0*")));
            assertThat(r.files()).extracting(f -> f.getFileName().toString()).containsExactlyInAnyOrder("README.md", "tiny-Q8_0.gguf");
        }
        assertThat(hub.hits("/tree/")).hasSize(3);
    }

    @Test
    void theTokenGoesToTheHubButNeverToTheCdn() {
        hub.repo("acme/gated-GGUF", COMMIT, Map.of("g-Q4_K_M.gguf", q4), true);
        HubFixture.pull(HubFixture.settings(hub, tmp).withToken(FakeHub.TOKEN), "acme/gated-GGUF", new Recorder());

        assertThat(hub.hits("/resolve/")).isNotEmpty().allMatch(FakeHub.Hit::authorized);
        assertThat(hub.hits("/cdn/")).isNotEmpty().noneMatch(FakeHub.Hit::authorized);
    }
}
