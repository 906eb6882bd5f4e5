package hearth.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.gateway.GatewayConfig.TierConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config file, in YAML or TOML, with defaults for what it leaves out and errors naming what is wrong. */
class ConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return GatewayConfig.load(f);
    }

    @Test
    void aYamlFileDescribesTiersUpstreamsKeysAndLimits() throws Exception {
        GatewayConfig c = load("gateway.yaml", """
                port: 9000
                registry:
                  dir: endpoints
                  heartbeat_ttl: 60s
                  token: reg-token
                health: {path: /readyz, interval: 2s, fall: 4, rise: 1}
                proxy: {max_body: 4MiB, queue_timeout: 750ms, max_attempts: 2}
                affinity: {header: x-conversation, messages: 3}
                tiers:
                  - name: fast
                    prefix: /
                    upstreams:
                      - {name: vasp-02, url: "http://10.0.0.5:8080", models: [strand-rust-coder-14b-q8_0], api_key: k1, max_concurrent: 4}
                  - name: reasoning
                    prefix: /reasoning
                    models: [OR1-Behemoth]
                keys:
                  - {name: alice, key: sk-a, tiers: [fast], rate: 600/m, burst: 20}
                """);
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.registry().dir()).isEqualTo(dir.resolve("endpoints"));
        assertThat(c.registry().heartbeatTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.registry().token()).isEqualTo("reg-token");
        assertThat(c.health().path()).isEqualTo("/readyz");
        assertThat(c.health().fall()).isEqualTo(4);
        assertThat(c.proxy().maxBodyBytes()).isEqualTo(4L << 20);
        assertThat(c.proxy().queueTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.proxy().maxThreads()).isEqualTo(GatewayConfig.ProxyConfig.DEFAULT_MAX_THREADS);
        assertThat(c.proxy().virtualThreads()).isFalse();
        assertThat(c.proxy().caFile()).isNull();
        assertThat(c.affinity().header()).isEqualTo("x-conversation");
        assertThat(c.tiers()).extracting(TierConfig::prefix).containsExactly("/", "/reasoning/");
        var up = c.tiers().getFirst().upstreams().getFirst();
        assertThat(up.url()).isEqualTo("http://10.0.0.5:8080");
        assertThat(up.apiKey()).isEqualTo("k1");
        assertThat(up.maxConcurrent()).isEqualTo(4);
        assertThat(c.tiers().get(1).models()).containsExactly("OR1-Behemoth");
        var k = c.keys().getFirst();
        assertThat(k.ratePerSecond()).isEqualTo(10.0);
        assertThat(k.burst()).isEqualTo(20);
        assertThat(k.allows("fast")).isTrue();
        assertThat(k.allows("reasoning")).isFalse();
    }

    @Test
    void aTomlFileSaysTheSame() throws Exception {
        GatewayConfig c = load("gateway.toml", """
                port = 9001
                route-by-model = false
                [health]
                interval = "0"
                [[tiers]]
                name = "fast"
                prefix = "/"
                [[tiers.upstreams]]
                name = "a"
                url = "http://127.0.0.1:8080"
                [[tiers]]
                name = "image"
                """);
        assertThat(c.port()).isEqualTo(9001);
        assertThat(c.routeByModel()).isFalse();
        assertThat(c.health().active()).isFalse();
        assertThat(c.tiers()).extracting(TierConfig::name, TierConfig::prefix)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fast", "/"), org.assertj.core.groups.Tuple.tuple("image", "/image/"));
        assertThat(c.tiers().getFirst().upstreams().getFirst().name()).isEqualTo("a");
    }

    @Test
    void threadsAndTheUpstreamCertificatesAreProxySettings() throws Exception {
        GatewayConfig c = load("threads.yaml",
                "proxy: {max_threads: 512, virtual_threads: true, relay_loop: false, short_slice: false, event_loops: 0, ca_file: certs/upstreams.pem}");
        assertThat(c.proxy().maxThreads()).isEqualTo(512);
        assertThat(c.proxy().virtualThreads()).isTrue();
        assertThat(c.proxy().relayLoop()).isFalse();
        assertThat(GatewayConfig.defaults().proxy().relayLoop()).isTrue();
        assertThat(c.proxy().shortSlice()).isFalse();
        assertThat(GatewayConfig.defaults().proxy().shortSlice()).isTrue();
        assertThat(c.proxy().eventLoops()).isZero();
        assertThat(GatewayConfig.defaults().proxy().eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.proxy().caFile()).isEqualTo(dir.resolve("certs/upstreams.pem"));
    }

    @Test
    void anEmptyFileGivesTheDefaults() throws Exception {
        assertThat(load("empty.yaml", "")).isEqualTo(GatewayConfig.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "prot: 80                                                          | prot: unknown setting",
        "health: {interval: soon}                                          | health.interval: not a duration",
        "proxy: {max_attempts: 0}                                          | proxy.max_attempts: must be >= 1",
        "proxy: {max_threads: 2}                                           | proxy.max_threads: must be >= 8",
        "registry: {rescan: 30s}                                           | registry.rescan: must be between",
        "tiers: [{name: a, prefix: x}]                                     | tiers[0].prefix: must start with '/'",
        "tiers: [{name: a}, {name: a, prefix: /b/}]                        | name 'a' used twice",
        "tiers: [{name: a, upstreams: [{url: 'tcp://h:1'}]}]              | tiers[0].upstreams[0].url: must start with http",
        "keys: [{name: k}]                                                 | keys[0].key: required",
        "keys: [{key_env: HEARTH_SURELY_UNSET_VARIABLE}]                   | HEARTH_SURELY_UNSET_VARIABLE is not set",
        "tiers: [{name: a, upstreams: [{url: 'http://h:1', weight: 3}]}]  | tiers[0].upstreams[0].weight: unknown setting",
    })
    void mistakesAreReportedWithTheirPath(String yaml, String message) {
        assertThatThrownBy(() -> load("bad.yaml", yaml)).isInstanceOf(IOException.class).hasMessageContaining(message);
    }

    @Test
    void unitsReadTheUsualSpellings() {
        assertThat(Units.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.duration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.bytes("16MiB")).isEqualTo(16L << 20);
        assertThat(Units.bytes("64k")).isEqualTo(64L << 10);
        assertThat(Units.rate("600/m")).isEqualTo(10.0);
        assertThat(Units.rate("3")).isEqualTo(3.0);
    }
}
