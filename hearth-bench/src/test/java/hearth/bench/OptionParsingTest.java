package hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small value syntaxes of the command line: SLOs, sweeps, endpoints and the server URL. */
class OptionParsingTest {
    @Test
    void slosTakeEqualsOrColonAndMilliseconds() {
        Slo s = Slo.parse(List.of("ttft_ms=500", "tpot:50", "e2el_ms=9000"));
        assertThat(s).isEqualTo(new Slo(500.0, 50.0, 9000.0));
        assertThat(Slo.parse(List.of("ttft_ms=500,tpot_ms=40"))).isEqualTo(new Slo(500.0, 40.0, null));
        assertThatThrownBy(() -> Slo.parse(List.of("latency=5"))).hasMessageContaining("unknown SLO");
        assertThatThrownBy(() -> Slo.parse(List.of("ttft_ms=-1"))).hasMessageContaining("> 0");
    }

    @Test
    void aConcurrencySweepChangesClientsOrTheCap() {
        Sweep s = Sweep.parse("concurrency=1,2,8");
        assertThat(s.values()).containsExactly(1.0, 2.0, 8.0);
        assertThat(s.apply(new LoadShape.Closed(3), 8)).isEqualTo(new LoadShape.Closed(8));
        assertThat(s.apply(new LoadShape.Poisson(5, 1, 0), 2)).isEqualTo(new LoadShape.Poisson(5, 1, 2));
        assertThatThrownBy(() -> Sweep.parse("concurrency=1.5")).hasMessageContaining("whole number");
    }

    @Test
    void aRateSweepMakesAnOpenLoop() {
        Sweep s = Sweep.parse("request-rate=0.5,inf");
        assertThat(s.apply(new LoadShape.Closed(4), 0.5)).isEqualTo(new LoadShape.Poisson(0.5, 1, 0));
        assertThat(s.apply(new LoadShape.Poisson(1, 2, 6), Double.POSITIVE_INFINITY)).isEqualTo(new LoadShape.Poisson(Double.POSITIVE_INFINITY, 2, 6));
        assertThat(s.label()).isEqualTo("request_rate");
    }

    @Test
    void endpointsAreNamedEitherWay() {
        assertThat(Endpoint.parse("/v1/chat/completions")).isEqualTo(Endpoint.CHAT);
        assertThat(Endpoint.parse("chat")).isEqualTo(Endpoint.CHAT);
        assertThat(Endpoint.parse("v1/completions")).isEqualTo(Endpoint.COMPLETIONS);
        assertThatThrownBy(() -> Endpoint.parse("/v1/embeddings")).hasMessageContaining("/v1/completions or /v1/chat/completions");
    }

    @Test
    void theServerUrlMayEndInV1OrASlash() {
        assertThat(ServerProbe.normalize(URI.create("http://127.0.0.1:8080/v1/"))).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(ServerProbe.normalize(URI.create("http://h/proxy/llm"))).isEqualTo(URI.create("http://h/proxy/llm"));
        assertThat(ServerProbe.at(URI.create("http://h/proxy/"), "/v1/models")).isEqualTo(URI.create("http://h/proxy/v1/models"));
        assertThat(ServerProbe.normalize("127.0.0.1:8080")).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThatThrownBy(() -> ServerProbe.normalize("ftp://h:1")).hasMessageContaining("http://HOST:PORT");
        assertThatThrownBy(() -> ServerProbe.normalize("http://bad host")).hasMessageContaining("http://HOST:PORT");
    }
}
