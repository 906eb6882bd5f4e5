package hearth.server.pull;

import static hearth.server.pull.HubFixture.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleProgressTest {
    @TempDir
    Path tmp;

    @Test
    void aPullToAPipePrintsTheSummaryTenthsFilesAndTotal() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (FakeHub hub = new FakeHub()) {
            hub.repo("acme/tiny-GGUF", COMMIT, Map.of("tiny-Q4_K_M.gguf", FakeHub.bytes(2_000_000, 1), "tiny-Q8_0.gguf", FakeHub.bytes(10, 2)), false);
            hub.cutOnce("tiny-Q4_K_M.gguf", 500_000);
            HubFixture.pull(HubFixture.settings(hub, tmp).withConnections(1), "acme/tiny-GGUF:Q4_K_M",
                    new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false));
        }
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(out).startsWith("pulling acme/tiny-GGUF:Q4_K_M (commit 0123456789ab): 1 file, 1.9 MB\n");
        assertThat(out.lines().filter(l -> l.startsWith("["))).hasSizeBetween(2, 11).last().asString()
                .startsWith("[##############################] 100%  1.9 MB / 1.9 MB");
        assertThat(out).contains("warning: tiny-Q4_K_M.gguf: connection lost at byte ");
        assertThat(out).contains("  fetched " + tmp.resolve("cache/models--acme--tiny-GGUF/snapshots/" + COMMIT + "/tiny-Q4_K_M.gguf"));
        assertThat(out.lines().toList().getLast()).matches("done: 1\\.9 MB in \\d+\\.\\d s");
    }

    @Test
    void byteCountsReadInBinaryUnits() {
        assertThat(ConsoleProgress.bytes(512)).isEqualTo("512 B");
        assertThat(ConsoleProgress.bytes(1536)).isEqualTo("1.5 KB");
        assertThat(ConsoleProgress.bytes(5L << 30)).isEqualTo("5.0 GB");
    }
}
