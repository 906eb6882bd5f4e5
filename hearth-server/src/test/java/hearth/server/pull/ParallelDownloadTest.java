package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelDownloadTest {
    @TempDir
    Path tmp;
    FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aLargeFileIsFetchedInParallelRangesAndReassembled() throws Exception {
        byte[] data = FakeHub.bytes(1_000_003, 11);
        hub.repo("acme/one-GGUF", COMMIT, Map.of("one-Q4_K_M.gguf", data), false);
        hub.slowMillis = 50;

        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withConnections(4).withMinChunk(100_000), "acme/one-GGUF", new Recorder());

        assertThat(Files.readAllBytes(r.model().orElseThrow())).isEqualTo(data);
        assertThat(hub.hits("/cdn/")).extracting(FakeHub.Hit::range)
                .containsExactlyInAnyOrder("bytes=0-249999", "bytes=250000-499999", "bytes=500000-749999", "bytes=750000-")
                .hasSize(4);
        assertThat(hub.maxOpenCdnStreams.get()).isGreaterThan(1);
    }

    @Test
    void openConnectionsNeverExceedTheLimit() {
        Map<String, byte[]> files = new HashMap<>();
        for (int i = 1; i <= 6; i++) files.put(String.format("m-Q4_K_M-%05d-of-00006.gguf", i), FakeHub.bytes(60_000, i));
        hub.repo("acme/six-GGUF", COMMIT, files, false);
        hub.slowMillis = 60;

        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withConnections(2).withMinChunk(10_000), "acme/six-GGUF", new Recorder());

        assertThat(r.files()).hasSize(6);
        assertThat(hub.maxOpenCdnStreams.get()).isEqualTo(2);
    }

    @Test
    void aServerThatIgnoresRangesStillYieldsTheRightFile() throws Exception {
        byte[] data = FakeHub.bytes(300_000, 12);
        hub.repo("acme/one-GGUF", COMMIT, Map.of("one-Q4_K_M.gguf", data), false);
        hub.ignoreRanges = true;
        Recorder rec = new Recorder();

        PullResult r = HubFixture.pull(HubFixture.settings(hub, tmp).withConnections(3).withMinChunk(50_000), "acme/one-GGUF", rec);

        assertThat(Files.readAllBytes(r.model().orElseThrow())).isEqualTo(data);
        assertThat(rec.progress.get()).as("progress undone for the ranges thrown away").isEqualTo(data.length);
    }

    @Test
    void identicalFilesAtTwoPathsAreDownloadedOnce() throws Exception {
        byte[] data = FakeHub.bytes(40_000, 13);
        hub.repo("acme/dup-GGUF", COMMIT, Map.of("a/x-Q4_K_M.gguf", data, "b/x-Q4_K_M.gguf", data), false);
        try (Puller p = new Puller(HubFixture.settings(hub, tmp), new Recorder())) {
            PullResult r = p.pull(RepoRef.parse("acme/dup-GGUF", "main"), new Selection(Optional.empty(), List.of("*")));
            assertThat(r.files()).hasSize(2).allSatisfy(f -> assertThat(Files.readAllBytes(f)).isEqualTo(data));
        }
        assertThat(hub.hits("/cdn/")).hasSize(1);
    }
}
