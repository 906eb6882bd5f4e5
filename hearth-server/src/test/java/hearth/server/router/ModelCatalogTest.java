package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    @TempDir
    Path dir;

    @Test
    void plainFilesSplitsAndFoldersAreFoundOnceEach() throws Exception {
        Ggufs.write(dir, "tiny.gguf");
        Ggufs.write(dir, "big-Q4_K_M-00001-of-00002.gguf");
        Ggufs.write(dir, "big-Q4_K_M-00002-of-00002.gguf");
        Ggufs.write(dir, "acme/coder/coder-Q8_0.gguf");

        ModelCatalog c = ModelCatalog.scan(dir);

        assertThat(c.entries()).extracting(CatalogEntry::id).containsExactly("big-Q4_K_M", "coder-Q8_0", "tiny");
        CatalogEntry big = c.find("big-Q4_K_M").orElseThrow();
        assertThat(big.parts()).hasSize(2);
        assertThat(big.file().getFileName()).hasToString("big-Q4_K_M-00001-of-00002.gguf");
        assertThat(big.bytes()).isEqualTo(Files.size(big.parts().get(0)) + Files.size(big.parts().get(1)));
        assertThat(c.find("acme/coder/coder-Q8_0")).contains(c.find("coder-Q8_0").orElseThrow());
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void hubCacheFoldersUseTheCommitOfRefsMainAndGetHubNames() throws Exception {
        Path repo = dir.resolve("models--Qwen--Qwen2.5-0.5B-Instruct-GGUF");
        Path blob = Ggufs.write(repo, "blobs/abc123");
        Files.createDirectories(repo.resolve("snapshots/" + COMMIT));
        Files.createSymbolicLink(repo.resolve("snapshots/" + COMMIT + "/qwen2.5-0.5b-instruct-q4_k_m.gguf"), Path.of("../../blobs/abc123"));
        Ggufs.write(repo, "snapshots/ffffffffffffffffffffffffffffffffffffffff/old-q8_0.gguf");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);

        ModelCatalog c = ModelCatalog.scan(dir);

        assertThat(c.entries()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("qwen2.5-0.5b-instruct-q4_k_m");
            assertThat(e.file()).isEqualTo(blob.toRealPath());
            assertThat(e.names()).contains("Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
                    "Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m");
        });
        assertThat(c.find("Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M")).isPresent();
    }

    @Test
    void sameStemsInTwoFoldersAreTellApartByTheirPaths() throws Exception {
        Ggufs.write(dir, "a/model.gguf");
        Ggufs.write(dir, "b/model.gguf");
        ModelCatalog c = ModelCatalog.scan(dir);
        assertThat(c.entries()).extracting(CatalogEntry::id).containsExactly("a/model", "b/model");
        assertThat(c.find("model")).isEmpty();
    }

    @Test
    void projectorsPartialsHiddenFoldersAndIncompleteSplitsAreLeftOut() throws Exception {
        Ggufs.write(dir, "mmproj-vision-F16.gguf");
        Ggufs.write(dir, "x.gguf.part");
        Ggufs.write(dir, ".hearth/secret.gguf");
        Ggufs.write(dir, "half-00001-of-00003.gguf");
        Ggufs.write(dir, "half-00002-of-00003.gguf");
        Files.writeString(dir.resolve("notes.txt"), "x");

        ModelCatalog c = ModelCatalog.scan(dir);

        assertThat(c.entries()).isEmpty();
        assertThat(c.problems()).containsExactly("half-00001-of-00003.gguf: split 3 of 3 is missing; skipped");
    }

    @Test
    void lookupIgnoresCaseOnlyWhenThatIsUnambiguous() throws Exception {
        Ggufs.write(dir, "Tiny.gguf");
        Ggufs.write(dir, "Other.gguf");
        ModelCatalog c = ModelCatalog.scan(dir);
        assertThat(c.find("tiny")).map(CatalogEntry::id).contains("Tiny");
        assertThat(c.find("TINY")).map(CatalogEntry::id).contains("Tiny");
        assertThat(c.find("tin")).isEmpty();
        assertThat(c.find(null)).isEmpty();
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelCatalog.scan(dir.resolve("nope")))
                .isInstanceOf(CatalogException.class).hasMessageContaining("does not exist");
    }
}
