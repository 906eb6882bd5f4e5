package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /metrics: hearth_* series and the vLLM aliases, with values that follow the requests served. */
class MetricsTest {
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("series %s in%n%s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void seriesCountTokensRequestsAndLatencies() {
        try (TestServer s = TestServer.mock(ServerConfig.defaults(), TestServer.mockConfig(2, 4, 256), 0, 0)) {
            s.post("/v1/completions", "{\"prompt\":\"abcd\",\"max_tokens\":5}");
            s.post("/v1/completions", "{\"prompt\":\"xy\",\"max_tokens\":3,\"stream\":true}");
            s.post("/v1/completions", "{\"prompt\":7}");
            HttpResponse<String> r = s.get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            String m = r.body();
            String mock = "{model=\"mock\"}";
            assertThat(value(m, "hearth_requests_total{model=\"mock\",status=\"200\"}")).isEqualTo(2);
            assertThat(value(m, "hearth_requests_total{model=\"mock\",status=\"400\"}")).isEqualTo(1);
            assertThat(value(m, "hearth_prompt_tokens_total" + mock)).isEqualTo(6);
            assertThat(value(m, "hearth_generation_tokens_total" + mock)).isEqualTo(8);
            assertThat(value(m, "hearth_time_to_first_token_seconds_count" + mock)).isEqualTo(2);
            assertThat(value(m, "hearth_request_duration_seconds_count" + mock)).isEqualTo(2);
            assertThat(value(m, "hearth_inter_token_latency_seconds_count" + mock)).isEqualTo(6); // (5-1) + (3-1) gaps
            assertThat(value(m, "hearth_generation_tokens_per_second" + mock)).isGreaterThanOrEqualTo(0);
            assertThat(value(m, "hearth_queue_depth" + mock)).isZero();
            assertThat(value(m, "hearth_active_requests" + mock)).isZero();
            assertThat(value(m, "hearth_kv_cache_blocks_total" + mock)).isEqualTo(32); // 256 * 2 slots / 16
            assertThat(value(m, "hearth_kv_cache_blocks_used" + mock)).isZero();
            assertThat(m).contains("hearth_prefix_cache_queries_total" + mock, "hearth_prefix_cache_hits_total" + mock);

            String v = "{model=\"mock\",model_name=\"mock\"}";
            assertThat(value(m, "vllm:num_requests_running" + v)).isZero();
            assertThat(value(m, "vllm:num_requests_waiting" + v)).isZero();
            assertThat(value(m, "vllm:kv_cache_usage_perc" + v)).isZero();
            assertThat(value(m, "vllm:prompt_tokens_total" + v)).isEqualTo(6);
            assertThat(value(m, "vllm:generation_tokens_total" + v)).isEqualTo(8);
            assertThat(value(m, "vllm:time_to_first_token_seconds_count" + v)).isEqualTo(2);
            assertThat(value(m, "vllm:e2e_request_latency_seconds_count" + v)).isEqualTo(2);
        }
    }
}
