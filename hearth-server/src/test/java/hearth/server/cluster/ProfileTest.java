package hearth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {
    @TempDir Path dir;

    @Test
    void theRepositoryHasOneProfilePerSeedSetup() {
        assertThat(Profile.names(List.of(RepoDirs.profiles()))).contains("glm5-llama", "fast-router", "reasoning-rpc",
                "glm46-vllm", "glm46-vllm-2node", "glm46-vllm-4node", "glm-image-sglang");
    }

    @Test
    void everyRepositoryProfileLoadsWithABackendAndADescription() throws IOException {
        for (String name : Profile.names(List.of(RepoDirs.profiles()))) {
            Profile p = Profile.load(name, List.of(RepoDirs.profiles()), Map.of("HOME", "/home/u"));
            assertThat(p.settings()).as(name).containsKey("backend");
            assertThat(p.description()).as(name).isNotBlank();
            assertThat(p.settings().values()).as(name).noneMatch(v -> v.contains("${"));
        }
    }

    @Test
    void aProfileExtendsAnotherAndMayClearItsValues() throws IOException {
        Files.writeString(dir.resolve("base.properties"), "backend = vllm\nquantization = fp8\nnodes = 2\nport=8001\n");
        Files.writeString(dir.resolve("big.properties"), "extends = base\nnodes = 4\nquantization =\n");
        Profile p = Profile.load("big", List.of(dir), Map.of());
        assertThat(p.name()).isEqualTo("big");
        assertThat(p.settings()).containsEntry("backend", "vllm").containsEntry("nodes", "4")
                .containsEntry("quantization", "").containsEntry("port", "8001").doesNotContainKey("extends");
        assertThat(Settings.of(p.settings()).get("quantization")).isEmpty();
    }

    @Test
    void valuesReadTheEnvironmentWithDefaults() throws IOException {
        Files.writeString(dir.resolve("p.properties"),
                "model = ${MODELS_DIR:-/scratch/ai/models}/x.gguf\nhome = ${HOME}/m\nnone = [${UNSET}]\n");
        Profile p = Profile.load("p", List.of(dir), Map.of("HOME", "/home/ada"));
        assertThat(p.settings()).containsEntry("model", "/scratch/ai/models/x.gguf")
                .containsEntry("home", "/home/ada/m").containsEntry("none", "[]");
        Profile q = Profile.load("p", List.of(dir), Map.of("MODELS_DIR", "/data"));
        assertThat(q.settings()).containsEntry("model", "/data/x.gguf");
    }

    @Test
    void aProfileMayBeGivenAsAFilePath() throws IOException {
        Path f = dir.resolve("mine.properties");
        Files.writeString(f, "backend = openai\nupstream-url = http://10.0.0.5:8080\n");
        assertThat(Profile.load(f.toString(), List.of(), Map.of()).settings()).containsEntry("backend", "openai");
    }

    @Test
    void anUnknownNameListsTheKnownOnes() throws IOException {
        Files.writeString(dir.resolve("fast.properties"), "backend=llama-server\n");
        assertThatThrownBy(() -> Profile.load("slow", List.of(dir), Map.of()))
                .hasMessageContaining("unknown profile 'slow'").hasMessageContaining("known: fast");
        assertThatThrownBy(() -> Profile.load("../etc/passwd", List.of(dir), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCycleOfExtendsIsRefused() throws IOException {
        Files.writeString(dir.resolve("a.properties"), "extends = b\n");
        Files.writeString(dir.resolve("b.properties"), "extends = a\n");
        assertThatThrownBy(() -> Profile.load("a", List.of(dir), Map.of())).hasMessageContaining("extends itself");
    }

    @Test
    void theSearchPathStartsWithHearthProfileDir() {
        List<Path> dirs = Profile.searchPath(Map.of("HEARTH_PROFILE_DIR", "/x:/y"));
        assertThat(dirs).startsWith(Path.of("/x"), Path.of("/y"), Path.of("deploy/profiles"));
        assertThat(dirs).contains(RepoDirs.root().resolve("deploy/profiles"));
    }
}
