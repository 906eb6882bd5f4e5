package hearth.server.deploy;

import hearth.server.cluster.RepoDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shell scripts of the cluster deployment: {@code deploy/slurm} and {@code deploy/tailscale}. */
final class DeployFiles {
    private DeployFiles() {}

    static List<Path> shellScripts() {
        List<Path> all = new java.util.ArrayList<>();
        for (String dir : List.of("deploy/slurm", "deploy/tailscale")) {
            try (Stream<Path> files = Files.walk(RepoDirs.root().resolve(dir))) {
                files.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".sh") || n.endsWith(".sbatch");
                }).forEach(all::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.stream().sorted().toList();
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
