package hearth.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare prints both results' figures with B/A and says which way each moved. */
class CompareTest {
    @TempDir
    Path dir;

    @Test
    void ratiosAndVerdictsFollowEachFiguresDirection() throws Exception {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        JsonResult.write(Results.result("engine-a", Results.point(2, 5, 200, 20, false)), a);
        JsonResult.write(Results.result("engine-b", Results.point(2, 5, 100, 20, false)), b);
        String out = Compare.render(JsonResult.read(a), "a.json", JsonResult.read(b), "b.json");
        assertThat(out).contains("A: a.json  engine-a").contains("B: b.json  engine-b");
        assertThat(line(out, "TTFT mean (ms)")).contains("200.0").contains("100.0 ").contains("0.500x").contains("B better");
        assertThat(line(out, "TPOT mean (ms)")).contains("1.000x").doesNotContain("better").doesNotContain("worse");
        // faster first tokens finish requests sooner: higher throughput is better
        assertThat(line(out, "request throughput (req/s)")).contains("B better");
        assertThat(line(out, "prefix cache hit rate")).contains("1.000x");
        assertThat(line(out, "successful requests")).containsPattern("\\s5\\s+5\\s");
    }

    @Test
    void sweepsArePairedByCoordinate() throws Exception {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        JsonResult.write(Results.result("x", Results.point(1, 3, 100, 10, true), Results.point(4, 3, 300, 10, true)), a);
        JsonResult.write(Results.result("y", Results.point(4, 3, 150, 10, true)), b);
        String out = Compare.render(JsonResult.read(a), "a", JsonResult.read(b), "b");
        assertThat(out).contains("A has 2 load points and B 1; comparing the 1 that match");
        assertThat(line(out, "TTFT mean (ms)")).contains("300.0").contains("150.0 ").contains("0.500x");
    }

    private static String line(String text, String label) {
        return text.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow(() -> new AssertionError("no line " + label + " in\n" + text));
    }
}
