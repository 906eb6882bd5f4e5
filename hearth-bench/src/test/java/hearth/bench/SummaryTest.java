package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's figures from hand-made request records, with vLLM's definitions. */
class SummaryTest {
    static final long MS = 1_000_000;

    /** A request that started at {@code startMs} and streamed chunks at the given ms offsets, ending at the last. */
    static RequestResult ok(long startMs, int outputTokens, int promptTokens, long... chunkMs) {
        long[] c = new long[chunkMs.length];
        for (int i = 0; i < c.length; i++) c[i] = (startMs + chunkMs[i]) * MS;
        return new RequestResult(0, 0, startMs * MS, c[c.length - 1], c, outputTokens, true, promptTokens, true, outputTokens,
                "length", false, null);
    }

    static RequestResult failed(long startMs, long endMs, ErrorKind kind) {
        return new RequestResult(0, 0, startMs * MS, endMs * MS, new long[0], 0, false, 10, false, 4, null, false,
                new RequestError(kind, 0, "x"));
    }

    @Test
    void tpotIsDecodeTimeOverTokensAfterTheFirst() {
        // TTFT 100 ms, 4 tokens, last at 400 ms: TPOT = (400 - 100) / 3 = 100 ms; ITLs 50, 150, 100
        RequestResult r = ok(0, 4, 10, 100, 150, 300, 400);
        Summary s = Summary.of(new RunData(new LoadShape.Closed(1), List.of(r), 0, 1000 * MS, 1, null), Slo.NONE, null);
        assertThat(s.ttftMs().mean()).isEqualTo(100);
        assertThat(s.tpotMs().mean()).isCloseTo(100, within(1e-9));
        assertThat(s.itlMs().count()).isEqualTo(3);
        assertThat(s.itlMs().mean()).isCloseTo(100, within(1e-9));
        assertThat(s.itlMs().max()).isCloseTo(150, within(1e-9));
        assertThat(s.e2eMs().mean()).isEqualTo(400);
    }

    @Test
    void tpotUsesUsageTokensWhenChunksHoldSeveral() {
        // 2 chunks but 7 tokens: TPOT = (400 - 100) / 6 = 50 ms
        RequestResult r = ok(0, 7, 10, 100, 400);
        Summary s = Summary.of(new RunData(new LoadShape.Closed(1), List.of(r), 0, 1000 * MS, 1, null), Slo.NONE, null);
        assertThat(s.tpotMs().mean()).isCloseTo(50, within(1e-9));
    }

    @Test
    void throughputsCountSuccessesOverTheWholeRun() {
        List<RequestResult> rs = List.of(ok(0, 10, 100, 50, 500), ok(100, 30, 50, 150, 900), failed(0, 10, ErrorKind.HTTP_5XX));
        Summary s = Summary.of(new RunData(new LoadShape.Closed(2), rs, 0, 2000 * MS, 2, null), Slo.NONE, null);
        assertThat(s.durationS()).isEqualTo(2.0);
        assertThat(s.completed()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.requestThroughput()).isEqualTo(1.0);
        assertThat(s.outputThroughput()).isEqualTo(20.0);
        assertThat(s.totalThroughput()).isEqualTo(95.0);
        assertThat(s.errors()).containsEntry("http_5xx", 1);
    }

    @Test
    void goodputCountsSuccessfulRequestsWithinEverySlo() {
        List<RequestResult> rs = List.of(
                ok(0, 3, 1, 100, 150, 200),   // TTFT 100, TPOT 50
                ok(0, 3, 1, 300, 350, 400),   // TTFT 300: misses ttft
                ok(0, 3, 1, 100, 300, 500),   // TPOT 200: misses tpot
                ok(0, 1, 1, 100),             // one token: TPOT counts as 0
                failed(0, 5, ErrorKind.TIMEOUT));
        Slo slo = Slo.parse(List.of("ttft_ms=150", "tpot_ms=60"));
        Summary s = Summary.of(new RunData(new LoadShape.Closed(1), rs, 0, 2000 * MS, 1, null), slo, null);
        assertThat(s.goodRequests()).isEqualTo(2);
        assertThat(s.goodput()).isEqualTo(1.0);
        assertThat(Summary.of(new RunData(new LoadShape.Closed(1), rs, 0, 2000 * MS, 1, null), Slo.NONE, null).goodput()).isNull();
    }

    @Test
    void theTimelineHoldsTokensPerSecondAndRequestsInFlight() {
        // 30 s run: 1 s buckets; one request streams 4 chunks (usage: 20 tokens) in second 2
        RequestResult r = ok(1500, 20, 5, 600, 700, 800, 900);
        Summary s = Summary.of(new RunData(new LoadShape.Closed(1), List.of(r), 0, 30_000 * MS, 1, null), Slo.NONE, null);
        assertThat(s.timelineBucketS()).isEqualTo(1.0);
        assertThat(s.timeline()).hasSize(30);
        assertThat(s.timeline().get(2).outputTokensPerS()).isEqualTo(20);
        assertThat(s.timeline().get(1).inFlight()).isEqualTo(1);
        assertThat(s.timeline().get(3).inFlight()).isZero();
        assertThat(s.peakOutputThroughput()).isEqualTo(20);
    }

    @Test
    void timelineBucketsFollowTheOneTwoFiveSeries() {
        assertThat(Timeline.bucketSeconds(2.2)).isCloseTo(0.1, within(1e-12));
        assertThat(Timeline.bucketSeconds(4.3)).isCloseTo(0.2, within(1e-12));
        assertThat(Timeline.bucketSeconds(17)).isCloseTo(1.0, within(1e-12));
        assertThat(Timeline.bucketSeconds(600)).isCloseTo(20, within(1e-12));
        assertThat(Timeline.bucketSeconds(0.1)).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void thePeakIsTheBusiestWholeSecondAndAPartialLastSecondDoesNotCount() {
        // 1.05 s run: 10 tokens in the first second, 5 in the last 50 ms (100 tok/s if it counted)
        RequestResult a = ok(0, 10, 1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950);
        RequestResult b = ok(1000, 5, 1, 10, 20, 30, 40, 45);
        Summary s = Summary.of(new RunData(new LoadShape.Closed(1), List.of(a, b), 0, 1050 * MS, 1, null), Slo.NONE, null);
        assertThat(s.peakOutputThroughput()).isEqualTo(10);
        // shorter than a second: the mean
        Summary shortRun = Summary.of(new RunData(new LoadShape.Closed(1), List.of(b), 1000 * MS, 1500 * MS, 1, null), Slo.NONE, null);
        assertThat(shortRun.peakOutputThroughput()).isEqualTo(10);
    }
}
