package hearth.cli.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextTest {
    @Test
    void sumsEachSeriesOverItsLabelSets() {
        String text = """
                # HELP hearth_requests_total HTTP requests answered, by status code
                # TYPE hearth_requests_total counter
                hearth_requests_total{model="m",status="200"} 41.0
                hearth_requests_total{model="m",status="503"} 1.0
                vllm:num_requests_running{model="m",model_name="m"} 2
                llamacpp:prompt_tokens_total 1234 1700000000000
                weird{path="/a}b",x="q\\"}"} 5
                hearth_request_duration_seconds_bucket{le="0.5"} 3
                broken_line
                nan_series NaN
                """;
        Map<String, Double> sums = PromText.sums(text);
        assertThat(sums).containsEntry("hearth_requests_total", 42.0).containsEntry("vllm:num_requests_running", 2.0)
                .containsEntry("llamacpp:prompt_tokens_total", 1234.0).containsEntry("weird", 5.0)
                .doesNotContainKeys("hearth_request_duration_seconds_bucket", "broken_line");
        assertThat(sums.get("nan_series")).isNaN();
    }

    @Test
    void keyFiguresComeFromWhicheverServersNamesArePresent() {
        Map<String, String> vllm = HealthProbe.keyFigures(Map.of("vllm:num_requests_running", 3.0,
                "vllm:num_requests_waiting", 1.0, "vllm:kv_cache_usage_perc", 0.25, "vllm:generation_tokens_total", 900.0));
        assertThat(vllm).containsExactly(Map.entry("requests running", "3"), Map.entry("requests waiting", "1"),
                Map.entry("generated tokens", "900"), Map.entry("KV cache used", "25.0%"));
        Map<String, String> hearth = HealthProbe.keyFigures(Map.of("hearth_active_requests", 1.0,
                "vllm:num_requests_running", 7.0, "hearth_kv_cache_blocks_used", 16.0, "hearth_kv_cache_blocks_total", 64.0,
                "hearth_generation_tokens_per_second", 12.345));
        assertThat(hearth).containsEntry("requests running", "1").containsEntry("generation tokens/s", "12.3")
                .containsEntry("KV cache used", "25.0% (16 of 64 blocks)");
    }
}
