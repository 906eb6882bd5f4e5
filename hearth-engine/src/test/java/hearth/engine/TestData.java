package hearth.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared/testdata} (beside the repository root). Tests that need a file call {@link #require}:
 * when the data is absent the test is skipped with a message naming the missing path.
 */
public final class TestData {
    private TestData() {}

    /** The testdata root, or null when it cannot be found. */
    public static Path root() {
        String override = System.getenv("HEARTH_TESTDATA");
        if (override != null) return Path.of(override);
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("hearth-engine"))) {
                return d.resolveSibling("shared").resolve("testdata");
            }
        }
        return dir.resolveSibling("shared").resolve("testdata");
    }

    /** Path of {@code relative} under the testdata root; skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "skipped: test data not found at " + p + " (expected ../shared/testdata beside the repository)");
        return p;
    }
}
