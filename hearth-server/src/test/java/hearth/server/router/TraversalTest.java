package hearth.server.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Model names reach files only through the catalog: nothing outside the models directory can be named or listed. */
class TraversalTest {
    @TempDir
    Path tmp;
    Path dir;
    ModelCatalog catalog;

    @BeforeEach
    void setUp() throws Exception {
        dir = tmp.resolve("models");
        Ggufs.write(dir, "inside.gguf");
        Ggufs.write(dir, "sub/deep.gguf");
        Ggufs.write(tmp, "outside.gguf");
        Ggufs.write(tmp, "elsewhere/secret.gguf");
        Files.createSymbolicLink(dir.resolve("link-out.gguf"), tmp.resolve("outside.gguf"));
        Files.createSymbolicLink(dir.resolve("dir-out"), tmp.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("link-in.gguf"), dir.resolve("inside.gguf"));
        Files.createSymbolicLink(dir.resolve("sub/loop"), dir);
        catalog = ModelCatalog.scan(dir);
    }

    @Test
    void linksThatLeaveTheDirectoryAreNotModels() {
        assertThat(catalog.entries()).extracting(CatalogEntry::id).containsExactly("deep", "inside");
        assertThat(catalog.entries()).allSatisfy(e -> assertThat(e.file()).startsWith(dir.toRealPath()));
        assertThat(catalog.problems()).contains("link-out.gguf: links outside the models directory; skipped",
                "dir-out/: links outside the models directory; skipped");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside", "../outside.gguf", "..%2Foutside", "%2e%2e%2foutside", "sub/../../outside", "/etc/passwd",
            "link-out", "dir-out/secret", "secret", "elsewhere/secret", "inside.gguf/../../outside", "sub/deep/../../../outside",
            "..\\outside", "inside\u0000", "", " ", "sub", "sub/"})
    void namesThatLookLikePathsFindNothing(String name) {
        assertThat(catalog.find(name)).isEmpty();
    }

    @Test
    void theAbsolutePathOfAModelIsNotAName() throws Exception {
        assertThat(catalog.find(dir.resolve("inside.gguf").toString())).isEmpty();
        assertThat(catalog.find(dir.resolve("inside.gguf").toRealPath().toString())).isEmpty();
    }
}
