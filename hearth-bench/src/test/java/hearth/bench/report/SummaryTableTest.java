package hearth.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stdout tables carry the figures, the error kinds with an example, and one line per sweep point. */
class SummaryTableTest {
    @Test
    void aPointsTableShowsThroughputLatencyAndErrors() {
        var p = Results.point(2, 5, 200, 20, false);
        String t = SummaryTable.point(p.summary(), p.coordinate());
        assertThat(t).contains("hearth bench serve: concurrency 2");
        assertThat(t).containsPattern("Successful requests:\\s+5");
        assertThat(t).containsPattern("Failed requests:\\s+1");
        assertThat(t).containsPattern("TTFT\\s+200.00\\s+200.00");
        assertThat(t).containsPattern("TPOT\\s+20.00");
        assertThat(t).contains("rate_limited").contains("HTTP 429: slow down");
        assertThat(t).containsPattern("Prefix cache hit rate:\\s+75.0 %");
        assertThat(t).contains("Request goodput (req/s)");
        assertThat(t).containsPattern("shorter than asked:\\s+0 of 5");
    }

    @Test
    void aSweepTableHasALinePerPoint() {
        String t = SummaryTable.sweep("concurrency", List.of(Results.point(1, 3, 100, 10, true), Results.point(8, 3, 400, 30, true)));
        List<String> lines = t.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("concurrency");
        assertThat(lines.get(1)).startsWith("1 ");
        assertThat(lines.get(2)).startsWith("8 ").contains("400.0");
    }
}
