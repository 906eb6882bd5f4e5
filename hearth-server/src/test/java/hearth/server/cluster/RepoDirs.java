package hearth.server.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout the tests run in (the directory holding {@code mvnw}). */
public final class RepoDirs {
    private RepoDirs() {}

    public static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("deploy"))) return d;
        }
        throw new IllegalStateException("tests must run inside the repository (no mvnw + deploy/ above " + Path.of("").toAbsolutePath() + ")");
    }

    public static Path profiles() {
        return root().resolve("deploy").resolve("profiles");
    }
}
