package hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.engine.Engine;
import hearth.engine.EngineConfig;
import hearth.engine.TestData;
import hearth.engine.kv.KvCacheType;
import hearth.server.backend.EmbeddedBackend;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A server over a q8_0 KV cache: /metrics reports the cache's types and its smaller size, and greedy completions
 * stay (nearly) those of the F16 cache.
 */
class QuantisedKvCacheServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Once upon a time";
    private static final int MAX_TOKENS = 48;

    private static TestServer server(KvCacheType k, KvCacheType v) throws IOException {
        EngineConfig cfg = EngineConfig.of(TestData.require(TestServer.STORIES)).withThreads(1).withContextSize(256)
                .withParallel(2).withCacheTypes(k, v);
        Engine e = Engine.load(cfg);
        return TestServer.over(ServerConfig.defaults(), EmbeddedBackend.of(e.name(), e));
    }

    private static double kvBytes(TestServer s, String types) {
        String m = s.get("/metrics").body();
        Matcher x = Pattern.compile("(?m)^hearth_kv_cache_bytes\\{model=\"stories260K\"," + Pattern.quote(types) + "} (\\S+)$").matcher(m);
        assertThat(x.find()).as("kv bytes series with %s in%n%s", types, m).isTrue();
        return Double.parseDouble(x.group(1));
    }

    private static String greedy(TestServer s) throws IOException {
        String body = JSON.writeValueAsString(Map.of("prompt", PROMPT, "temperature", 0, "max_tokens", MAX_TOKENS));
        var r = s.post("/v1/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.at("/usage/completion_tokens").asInt()).isEqualTo(MAX_TOKENS);
        return n.at("/choices/0/text").asText();
    }

    @Test
    void metricsReportTheCacheTypesAndTheQ8CacheTakes34Of64BytesOfF16() throws IOException {
        // stories260K: 5 layers, K and V rows of 4 kv heads x 8 = 32 values; 256 x 2 slots
        try (TestServer f16 = server(KvCacheType.F16, KvCacheType.F16);
             TestServer q8 = server(KvCacheType.Q8_0, KvCacheType.Q8_0);
             TestServer q8k = server(KvCacheType.Q8_0, KvCacheType.F16)) {
            assertThat(kvBytes(f16, "type_k=\"f16\",type_v=\"f16\"")).isEqualTo(512.0 * 5 * (64 + 64));
            assertThat(kvBytes(q8, "type_k=\"q8_0\",type_v=\"q8_0\"")).isEqualTo(512.0 * 5 * (34 + 34));
            assertThat(kvBytes(q8k, "type_k=\"q8_0\",type_v=\"f16\"")).isEqualTo(512.0 * 5 * (34 + 64));
        }
    }

    @Test
    void greedyCompletionsOverAQ8CacheMostlyEqualThoseOverF16() throws IOException {
        String f16;
        try (TestServer s = server(KvCacheType.F16, KvCacheType.F16)) {
            f16 = greedy(s);
        }
        try (TestServer s = server(KvCacheType.Q8_0, KvCacheType.Q8_0)) {
            String q8 = greedy(s);
            int same = 0;
            while (same < Math.min(q8.length(), f16.length()) && q8.charAt(same) == f16.charAt(same)) same++;
            System.out.printf("q8_0 vs f16 greedy: %d of %d characters before the first difference%n", same, f16.length());
            assertThat(same).as("q8_0: %s%nf16:  %s", q8, f16).isGreaterThanOrEqualTo(f16.length() * 3 / 4);
        }
    }
}
