package hearth.server.pull;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSettingsTest {
    final Path home = Path.of("/home/u");

    @Test
    void theCacheIsHearthCacheThenHfHubCacheThenHfHomeThenTheHubDefault() {
        assertThat(HubSettings.fromEnv(Map.of("HEARTH_CACHE", "/h", "HF_HUB_CACHE", "/c", "HF_HOME", "/hf"), home).cacheDir()).isEqualTo(Path.of("/h"));
        assertThat(HubSettings.fromEnv(Map.of("HF_HUB_CACHE", "/c", "HF_HOME", "/hf"), home).cacheDir()).isEqualTo(Path.of("/c"));
        assertThat(HubSettings.fromEnv(Map.of("HF_HOME", "/hf"), home).cacheDir()).isEqualTo(Path.of("/hf/hub"));
        assertThat(HubSettings.fromEnv(Map.of(), home).cacheDir()).isEqualTo(Path.of("/home/u/.cache/huggingface/hub"));
    }

    @Test
    void endpointTokenAndOfflineComeFromTheHubVariables() {
        HubSettings s = HubSettings.fromEnv(Map.of("HF_ENDPOINT", "https://mirror.example/", "HF_TOKEN", " hf_x ", "HF_HUB_OFFLINE", "1"), home);
        assertThat(s.endpoint()).isEqualTo(URI.create("https://mirror.example"));
        assertThat(s.token()).contains("hf_x");
        assertThat(s.offline()).isTrue();
        HubSettings d = HubSettings.fromEnv(Map.of("HF_HUB_OFFLINE", "0", "HF_TOKEN", ""), home);
        assertThat(d.endpoint()).isEqualTo(HubSettings.DEFAULT_ENDPOINT);
        assertThat(d.token()).isEmpty();
        assertThat(d.offline()).isFalse();
    }
}
