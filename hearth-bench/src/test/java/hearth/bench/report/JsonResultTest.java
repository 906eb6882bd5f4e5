package hearth.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --json file holds the parameters, every summary figure and a row per request, and reads back. */
class JsonResultTest {
    @TempDir
    Path dir;

    @Test
    void everyFigureAndRequestIsWrittenInSnakeCase() throws Exception {
        Path f = dir.resolve("sub/a.json");
        JsonResult.write(Results.result("m", Results.point(4, 5, 200, 20, false)), f);
        var n = JsonResult.read(f);
        assertThat(n.path("parameters").path("model").asText()).isEqualTo("m");
        var run = n.path("runs").get(0);
        var s = run.path("summary");
        assertThat(s.path("completed").asInt()).isEqualTo(5);
        assertThat(s.path("failed").asInt()).isEqualTo(1);
        assertThat(s.path("errors").path("rate_limited").asInt()).isEqualTo(1);
        assertThat(s.path("ttft_ms").path("mean").asDouble()).isEqualTo(200.0);
        assertThat(s.path("tpot_ms").path("p99").asDouble()).isCloseTo(20.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(s.path("goodput").isNumber()).isTrue();
        assertThat(s.path("prefix_cache").path("hit_rate").asDouble()).isEqualTo(0.75);
        assertThat(s.path("timeline").isArray()).isTrue();
        assertThat(run.path("load").path("concurrency").asInt()).isEqualTo(4);
        var requests = run.path("requests");
        assertThat(requests).hasSize(6);
        assertThat(requests.get(5).path("status").asText()).isEqualTo("rate_limited");
        assertThat(requests.get(5).path("ttft_ms").isNull()).isTrue(); // no TTFT is null, not NaN
        assertThat(requests.get(1).path("start_s").asDouble()).isEqualTo(0.1);
    }

    @Test
    void missingFiguresAreNullsSoTheFileIsStrictJson() throws Exception {
        Path f = dir.resolve("a.json");
        JsonResult.write(Results.result("m", Results.point(1, 1, 50, 10, false)), f);
        String text = Files.readString(f);
        assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(text).contains("\"temperature\" : null");
    }

    @Test
    void anythingElseIsRefusedWhenRead() throws Exception {
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"hello\": 1}");
        assertThatThrownBy(() -> JsonResult.read(other)).hasMessageContaining("not a 'hearth bench serve --json' result");
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "{{");
        assertThatThrownBy(() -> JsonResult.read(junk)).hasMessageContaining("not JSON");
    }
}
