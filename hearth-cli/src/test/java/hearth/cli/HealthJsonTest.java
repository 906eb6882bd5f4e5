package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hearth.cli.health.HealthReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code hearth health --json} writes values that need escaping so that a JSON reader gets them back unchanged. */
class HealthJsonTest {
    @Test
    void quotesNewlinesAndControlCharactersRoundTrip() throws Exception {
        String detail = "upstream said \"no\"\n\tat line 1\u0001 \\ done";
        HealthReport r = new HealthReport("http://h:1/", "down", 503, detail, 12, "no", List.of("qwen\"3", "über"), "",
                Map.of("hearth_queue\"depth", "3\n"));
        JsonNode j = new ObjectMapper().readTree(HealthFormat.json(r));
        assertThat(j.get("detail").asText()).isEqualTo(detail);
        assertThat(j.get("models").get(0).asText()).isEqualTo("qwen\"3");
        assertThat(j.get("models").get(1).asText()).isEqualTo("über");
        assertThat(j.get("metrics").get("hearth_queue\"depth").asText()).isEqualTo("3\n");
    }
}
