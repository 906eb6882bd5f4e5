package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    final Map<String, String> profile = Map.of("ctx-size", "4096", "parallel", "4", "mlock", "true");

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsDotEnvWhichBeatsTheProfileWhichBeatsDefaults() {
        Settings s = new Settings(Map.of("ctx-size", "1"), Map.of("CTX_SIZE", "2", "PARALLEL", "3"),
                Map.of("CTX_SIZE", "9", "PARALLEL", "9", "BATCH_SIZE", "5"), profile,
                Map.of("ctx-size", "0", "batch-size", "0", "ubatch-size", "512"));
        assertThat(s.lookup("ctx-size")).contains(new Settings.Value("1", Settings.Source.FLAG));
        assertThat(s.lookup("parallel")).contains(new Settings.Value("3", Settings.Source.ENV));
        assertThat(s.lookup("batch-size")).contains(new Settings.Value("5", Settings.Source.DOTENV));
        assertThat(s.lookup("mlock")).contains(new Settings.Value("true", Settings.Source.PROFILE));
        assertThat(s.lookup("ubatch-size")).contains(new Settings.Value("512", Settings.Source.DEFAULT));
        assertThat(s.lookup("threads")).isEmpty();
    }

    @Test
    void environmentNamesAreFlagNamesUpperCasedPlusTheSeedAliases() {
        assertThat(Settings.envNames("threads-batch")).containsExactly("THREADS_BATCH", "HEARTH_THREADS_BATCH");
        assertThat(Settings.envNames("model")).containsExactly("MODEL", "HEARTH_MODEL", "MODEL_PATH");
        Settings s = new Settings(Map.of(), Map.of("MODEL_PATH", "/m/glm5.gguf", "TS_AUTHKEY", "tskey-1"), Map.of(),
                Map.of("model", "./.models/gguf"), Map.of());
        assertThat(s.get("model")).contains("/m/glm5.gguf");
        assertThat(s.get("ts-authkey")).contains("tskey-1");
    }

    @Test
    void anEmptyValueIsUnsetAndBlankEnvironmentVariablesAreIgnored() {
        Settings s = new Settings(Map.of("quantization", ""), Map.of("PARALLEL", " "), Map.of(),
                Map.of("quantization", "fp8", "parallel", "2"), Map.of());
        assertThat(s.get("quantization")).isEmpty();
        assertThat(s.integer("parallel")).contains(2);
    }

    @Test
    void typedGettersParseOrSayWhatIsWrong() {
        Settings s = Settings.of(Map.of("a", "yes", "b", "OFF", "n", "12", "x", "0.85", "bad", "maybe", "l", "a:1, b:2 c:3"));
        assertThat(s.bool("a", false)).isTrue();
        assertThat(s.bool("b", true)).isFalse();
        assertThat(s.bool("missing", true)).isTrue();
        assertThat(s.integer("n", 0)).isEqualTo(12);
        assertThat(s.decimal("x")).contains(0.85);
        assertThat(s.list("l")).containsExactly("a:1", "b:2", "c:3");
        assertThat(s.list("missing")).isEmpty();
        assertThatThrownBy(() -> s.bool("bad")).hasMessage("bad must be true or false, got 'maybe'");
        assertThatThrownBy(() -> s.integer("x")).hasMessage("x must be a whole number, got '0.85'");
    }

    @Test
    void theEffectiveConfigMasksSecretsAndNamesSources() {
        Settings s = new Settings(Map.of("api-key", "sk-secret"), Map.of("PORT", "9000"), Map.of(),
                Map.of("port", "8080", "ts-authkey", "tskey-abc"), Map.of("host", "0.0.0.0"));
        Map<String, Settings.Value> eff = s.effective();
        assertThat(eff.get("api-key")).isEqualTo(new Settings.Value("****", Settings.Source.FLAG));
        assertThat(eff.get("ts-authkey").value()).isEqualTo("****");
        assertThat(eff.get("port")).isEqualTo(new Settings.Value("9000", Settings.Source.ENV));
        assertThat(eff.get("host")).isEqualTo(new Settings.Value("0.0.0.0", Settings.Source.DEFAULT));
        assertThat(eff.toString()).doesNotContain("sk-secret", "tskey-abc");
    }

    @Test
    void layersCanBeAddedAboveAndBelow() {
        Settings s = Settings.of(Map.of("port", "1")).withFlags(Map.of("nodes", "2")).withDefaults(Map.of("port", "2", "tier", "t"));
        assertThat(s.get("port")).contains("1");
        assertThat(s.get("nodes")).contains("2");
        assertThat(s.get("tier")).contains("t");
    }
}
