package hearth.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The endpoint object: what is accepted, and the reason given for what is not. */
class EndpointFileTest {
    private static Endpoint parse(String json) throws EndpointFile.Invalid {
        return EndpointFile.parse(json.getBytes(StandardCharsets.UTF_8), Endpoint.Source.FILE);
    }

    @Test
    void theMinimalObjectNeedsNameTierAndUrl() throws Exception {
        Endpoint e = parse("{\"name\":\"fast-1\",\"tier\":\"fast\",\"url\":\"http://10.0.0.5:8080\"}");
        assertThat(e.name()).isEqualTo("fast-1");
        assertThat(e.tier()).isEqualTo("fast");
        assertThat(e.url()).isEqualTo(URI.create("http://10.0.0.5:8080"));
        assertThat(e.models()).isEmpty();
        assertThat(e.heartbeat()).isNull();
    }

    @Test
    void hostAndPortMayStandInForTheUrl() throws Exception {
        Endpoint e = parse("{\"name\":\"r\",\"tier\":\"reasoning\",\"host\":\"vasp-01\",\"port\":8081,\"models\":[\"OR1-Behemoth\"],\"job_id\":12345}");
        assertThat(e.url()).isEqualTo(URI.create("http://vasp-01:8081"));
        assertThat(e.models()).containsExactly("OR1-Behemoth");
        assertThat(e.jobId()).isEqualTo("12345");
    }

    @Test
    void heartbeatsAreReadAsIsoTimesOrEpochSeconds() throws Exception {
        String base = "{\"name\":\"a\",\"tier\":\"fast\",\"url\":\"http://h:1\",";
        Instant t = Instant.parse("2026-01-31T10:00:00Z");
        assertThat(parse(base + "\"heartbeat\":\"2026-01-31T10:00:00Z\"}").heartbeat()).isEqualTo(t);
        assertThat(parse(base + "\"heartbeat\":\"2026-01-31T11:00:00+01:00\"}").heartbeat()).isEqualTo(t);
        assertThat(parse(base + "\"heartbeat\":" + t.getEpochSecond() + "}").heartbeat()).isEqualTo(t);
        assertThat(parse(base + "\"heartbeat\":\"" + t.getEpochSecond() + ".5\"}").heartbeat()).isEqualTo(t.plusMillis(500));
        assertThat(parse(base + "\"started\":" + t.getEpochSecond() + "}").started()).isEqualTo(t);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "not json at all                                                   | not valid JSON",
        "[1,2]                                                             | expected a JSON object",
        "{\"tier\":\"fast\",\"url\":\"http://h:1\"}                        | missing \"name\"",
        "{\"name\":\"a\",\"url\":\"http://h:1\"}                           | missing \"tier\"",
        "{\"name\":\"a\",\"tier\":\"fast\"}                                | needs \"url\" or \"host\" and \"port\"",
        "{\"name\":\"a\",\"tier\":\"fast\",\"url\":\"ftp://h/x\"}          | must be http:// or https://",
        "{\"name\":\"a\",\"tier\":\"fast\",\"host\":\"h\",\"port\":70000}  | out of range",
        "{\"name\":\"a b\",\"tier\":\"fast\",\"url\":\"http://h:1\"}       | \"name\" must be",
        "{\"name\":\"a\",\"tier\":3,\"url\":\"http://h:1\"}                | \"tier\" must be a string",
        "{\"name\":\"a\",\"tier\":\"f\",\"url\":\"http://h:1\",\"models\":5} | \"models\" must be a list",
        "{\"name\":\"a\",\"tier\":\"f\",\"url\":\"http://h:1\",\"heartbeat\":\"yesterday\"} | neither ISO-8601 nor epoch seconds",
    })
    void aBadObjectIsRefusedWithAReason(String json, String reason) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(EndpointFile.Invalid.class).hasMessageContaining(reason);
    }
}
