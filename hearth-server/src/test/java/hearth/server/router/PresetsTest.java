package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.kv.KvCacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void models() throws Exception {
        Ggufs.write(dir, "stories260K.gguf");
        Ggufs.write(dir, "sub/coder-Q4_K_M.gguf");
    }

    @Test
    void aTomlFileGivesAliasesSettingsAndDefaults() throws Exception {
        Files.writeString(dir.resolve("models.toml"), """
                [defaults]
                idle-ttl = "15m"
                ctx-size = 1024

                [stories260K]
                alias = ["tiny", "stories"]
                ctx_size = 512
                parallel = 2
                cache-type-k = "f32"
                pinned = true

                [coder]
                file = "sub/coder-Q4_K_M.gguf"
                chat-template = "chatml"
                ttl = 30
                """);
        ModelCatalog c = ModelCatalog.scan(dir);

        CatalogEntry s = c.find("tiny").orElseThrow();
        assertThat(s.id()).isEqualTo("stories260K");
        assertThat(c.find("stories")).contains(s);
        ModelPreset p = s.preset();
        assertThat(p.ctxSize()).isEqualTo(512);
        assertThat(p.parallel()).isEqualTo(2);
        assertThat(p.cacheTypeK()).contains(KvCacheType.F32);
        assertThat(p.cacheTypeV()).isEmpty();
        assertThat(p.idleTtl()).contains(Duration.ofMinutes(15));
        assertThat(p.pinned()).isTrue();

        CatalogEntry coder = c.find("coder").orElseThrow();
        assertThat(coder.id()).isEqualTo("coder");
        assertThat(c.find("coder-Q4_K_M")).contains(coder);
        assertThat(coder.preset().chatTemplate()).contains("chatml");
        assertThat(coder.preset().idleTtl()).contains(Duration.ofSeconds(30));
        assertThat(coder.preset().ctxSize()).isEqualTo(1024);
        assertThat(c.entries()).hasSize(2);
    }

    @Test
    void aYamlFileReadsTheSame() throws Exception {
        Files.writeString(dir.resolve("models.yaml"), """
                stories260K:
                  alias: tiny
                  cache-type: f32
                  idle-ttl: 0
                """);
        ModelPreset p = ModelCatalog.scan(dir).find("tiny").orElseThrow().preset();
        assertThat(p.cacheTypeK()).contains(KvCacheType.F32);
        assertThat(p.cacheTypeV()).contains(KvCacheType.F32);
        assertThat(p.idleTtl()).contains(Duration.ZERO);
    }

    @Test
    void unknownKeysAndWrongTypesNameTheFileTableAndKey() throws Exception {
        Files.writeString(dir.resolve("models.toml"), "[stories260K]\nctx-szie = 512\n");
        assertThatThrownBy(() -> ModelCatalog.scan(dir)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("models.toml: [stories260K] ctx-szie: unknown setting");
        Files.writeString(dir.resolve("models.toml"), "[stories260K]\nparallel = \"two\"\n");
        assertThatThrownBy(() -> ModelCatalog.scan(dir)).hasMessage("models.toml: [stories260K] parallel must be a positive integer");
        Files.writeString(dir.resolve("models.toml"), "[stories260K]\ncache-type-k = \"q4_0\"\n");
        assertThatThrownBy(() -> ModelCatalog.scan(dir)).hasMessageContaining("unsupported KV cache type 'q4_0'");
        Files.writeString(dir.resolve("models.toml"), "[stories260K\n");
        assertThatThrownBy(() -> ModelCatalog.scan(dir)).hasMessageContaining("models.toml: cannot be read");
    }

    @Test
    void aPresetFileOutsideTheDirectoryIsRefused() throws Exception {
        Ggufs.write(dir.getParent(), "escape-" + dir.getFileName() + ".gguf");
        for (String file : new String[] {"../escape-" + dir.getFileName() + ".gguf", "/etc/passwd", "sub/../../x.gguf"}) {
            Files.writeString(dir.resolve("models.toml"), "[evil]\nfile = \"" + file + "\"\n");
            assertThatThrownBy(() -> ModelCatalog.scan(dir)).as(file).isInstanceOf(CatalogException.class)
                    .hasMessageContaining("must be a path inside the models directory");
        }
        Files.createSymbolicLink(dir.resolve("out.gguf"), dir.getParent().resolve("escape-" + dir.getFileName() + ".gguf"));
        Files.writeString(dir.resolve("models.toml"), "[evil]\nfile = \"out.gguf\"\n");
        assertThatThrownBy(() -> ModelCatalog.scan(dir)).hasMessageContaining("leads outside the models directory");
    }

    @Test
    void aPresetForNoModelIsReportedNotFatal() throws Exception {
        Files.writeString(dir.resolve("models.toml"), "[ghost]\nparallel = 2\n");
        assertThat(ModelCatalog.scan(dir).problems()).containsExactly("models.toml: [ghost] matches no model in the directory");
    }

    @Test
    void anAliasThatTwoModelsClaimFindsNeither() throws Exception {
        Files.writeString(dir.resolve("models.toml"), "[stories260K]\nalias = \"x\"\n[coder-Q4_K_M]\nalias = \"x\"\n");
        ModelCatalog c = ModelCatalog.scan(dir);
        assertThat(c.find("x")).isEmpty();
        assertThat(c.problems()).contains("name 'x' fits several models; use their ids");
    }
}
