package hearth.server.backend.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The GGUF file llama-server should load when the setting names a directory (seed 000's "auto-detect"): the first
 * part of a split model ({@code *-00001-of-00005.gguf}) or the only {@code .gguf}; anything else is ambiguous.
 */
final class GgufPath {
    private static final Pattern FIRST_SPLIT = Pattern.compile(".*-0*1-of-\\d+\\.gguf");
    private static final int DEPTH = 4;

    private GgufPath() {}

    /** {@code setting} itself when it is not a directory; empty when the directory holds no usable GGUF. */
    static Optional<String> resolve(String setting) {
        Path p = Path.of(setting);
        if (!Files.isDirectory(p)) return Optional.of(setting);
        List<Path> ggufs;
        try (Stream<Path> files = Files.find(p, DEPTH, (f, a) -> a.isRegularFile()
                && f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"))) {
            ggufs = files.sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        List<Path> models = ggufs.stream().filter(f -> !f.getFileName().toString().startsWith("mmproj")).toList();
        List<Path> firsts = models.stream().filter(f -> FIRST_SPLIT.matcher(f.getFileName().toString()).matches()).toList();
        if (firsts.size() == 1) return Optional.of(firsts.getFirst().toString());
        if (firsts.isEmpty() && models.size() == 1) return Optional.of(models.getFirst().toString());
        if (models.isEmpty()) return Optional.empty();
        throw new IllegalArgumentException("model directory " + setting + " holds several models; name one: "
                + models.stream().map(f -> p.relativize(f).toString()).limit(10).toList());
    }
}
