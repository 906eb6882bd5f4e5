package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Prefix-cache counters are found in any server's Prometheus text and differenced over the run. */
class PrefixCacheStatsTest {
    static final String HEARTH = """
            # HELP hearth_prefix_cache_hits Prefix-cache lookups that found cached blocks
            # TYPE hearth_prefix_cache_hits counter
            hearth_prefix_cache_hits_total{model="m"} %s
            # TYPE hearth_prefix_cache_queries counter
            hearth_prefix_cache_queries_total{model="m"} %s
            vllm:prefix_cache_hits_total{model="m",model_name="m"} 999
            vllm:prefix_cache_queries_total{model="m",model_name="m"} 999
            """;

    @Test
    void hearthCountersAreDifferencedAndPreferredOverTheVllmAliases() {
        PrefixCacheStats s = PrefixCacheStats.between(HEARTH.formatted("10", "40"), HEARTH.formatted("25", "60"));
        assertThat(s.family()).isEqualTo("hearth_");
        assertThat(s.hits()).isEqualTo(15);
        assertThat(s.queries()).isEqualTo(20);
        assertThat(s.hitRate()).isEqualTo(0.75);
    }

    @Test
    void vllmCountersAreSummedOverLabelSets() {
        String before = "vllm:prefix_cache_queries_total{engine=\"0\"} 100\nvllm:prefix_cache_queries_total{engine=\"1\"} 100\n"
                + "vllm:prefix_cache_hits_total{engine=\"0\"} 0\nvllm:prefix_cache_hits_total{engine=\"1\"} 10\n";
        String after = "vllm:prefix_cache_queries_total{engine=\"0\"} 300\nvllm:prefix_cache_queries_total{engine=\"1\"} 100\n"
                + "vllm:prefix_cache_hits_total{engine=\"0\"} 100\nvllm:prefix_cache_hits_total{engine=\"1\"} 10\n";
        PrefixCacheStats s = PrefixCacheStats.between(before, after);
        assertThat(s.family()).isEqualTo("vllm:");
        assertThat(s.hitRate()).isEqualTo(0.5);
    }

    @Test
    void noCountersOrARestartGiveNoFigure() {
        assertThat(PrefixCacheStats.between("up 1\n", "up 1\n")).isNull();
        assertThat(PrefixCacheStats.between(null, null)).isNull();
        assertThat(PrefixCacheStats.between(HEARTH.formatted("50", "90"), HEARTH.formatted("1", "2"))).isNull();
    }

    @Test
    void noQueriesGiveNoRate() {
        PrefixCacheStats s = PrefixCacheStats.between(HEARTH.formatted("5", "9"), HEARTH.formatted("5", "9"));
        assertThat(s.queries()).isZero();
        assertThat(s.hitRate()).isNull();
    }

    @Test
    void prometheusTextIsParsedWithQuotedBracesAndTimestamps() {
        var sums = PromText.sums("""
                # comment
                a_total{path="/x{y}",q="say \\"hi\\""} 2 1700000000000
                a_total 3
                b +Inf
                c NaN
                broken{ 4
                """);
        assertThat(sums.get("a_total")).isEqualTo(5);
        assertThat(sums.get("b")).isInfinite();
        assertThat(sums.get("c")).isNaN();
        assertThat(sums).doesNotContainKey("broken");
    }
}
