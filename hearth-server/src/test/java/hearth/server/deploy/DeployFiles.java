package hearth.server.deploy;

import hearth.server.cluster.RepoDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shell scripts under {@code deploy/}. */
final class DeployFiles {
    private DeployFiles() {}

    static List<Path> shellScripts() {
        try (Stream<Path> files = Files.walk(RepoDirs.root().resolve("deploy"))) {
            return files.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".sh") || n.endsWith(".sbatch");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }
}
