package hearth.server.cluster;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A named set of settings for one deployment ({@code deploy/profiles/NAME.properties}): the backend and its flags,
 * keyed by flag name as on the command line. {@code extends = other} starts from another profile;
 * {@code ${VAR}} and {@code ${VAR:-default}} in values read the environment.
 */
public record Profile(String name, Path file, String description, Map<String, String> settings) {
    public static final String SUFFIX = ".properties";
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final int MAX_DEPTH = 8;

    public Profile {
        settings = Map.copyOf(settings);
    }

    /**
     * Loads {@code nameOrFile}: a path to a file, or a name looked up as {@code NAME.properties} in {@code dirs}
     * (first hit wins).
     */
    public static Profile load(String nameOrFile, List<Path> dirs, Map<String, String> env) throws IOException {
        return load(nameOrFile, dirs, env, new LinkedHashSet<>());
    }

    private static Profile load(String nameOrFile, List<Path> dirs, Map<String, String> env, Set<String> chain)
            throws IOException {
        Path file = find(nameOrFile, dirs);
        String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
        if (!chain.add(name)) throw new IllegalArgumentException("profile " + name + " extends itself: " + chain);
        if (chain.size() > MAX_DEPTH) throw new IllegalArgumentException("profiles extend too deep: " + chain);

        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        String parent = props.getProperty("extends");
        if (parent != null && !parent.isBlank()) {
            List<Path> parentDirs = new ArrayList<>();
            parentDirs.add(file.toAbsolutePath().getParent());
            parentDirs.addAll(dirs);
            settings.putAll(load(parent.strip(), parentDirs, env, chain).settings());
        }
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (key.equals("extends") || key.equals("description")) continue;
            settings.put(key.strip(), expand(props.getProperty(key).strip(), env));
        }
        String description = props.getProperty("description", "").strip();
        return new Profile(name, file, description, settings);
    }

    private static Path find(String nameOrFile, List<Path> dirs) {
        Path direct = Path.of(nameOrFile);
        if ((nameOrFile.contains("/") || nameOrFile.endsWith(SUFFIX)) && Files.isRegularFile(direct)) return direct;
        if (!nameOrFile.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("no profile file " + nameOrFile);
        }
        for (Path dir : dirs) {
            Path f = dir.resolve(nameOrFile + SUFFIX);
            if (Files.isRegularFile(f)) return f;
        }
        throw new IllegalArgumentException("unknown profile '" + nameOrFile + "'; known: " + String.join(", ", names(dirs))
                + " (searched " + dirs + ")");
    }

    /** Names of the profiles found in {@code dirs}, sorted. */
    public static List<String> names(List<Path> dirs) {
        Set<String> names = new TreeSet<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                        .forEach(n -> names.add(n.substring(0, n.length() - SUFFIX.length())));
            } catch (IOException ignored) {
                // an unreadable directory just contributes no names
            }
        }
        return List.copyOf(names);
    }

    /**
     * Where profiles are looked up: {@code $HEARTH_PROFILE_DIR} (colon-separated), {@code ./deploy/profiles}, the
     * {@code deploy/profiles} of the checkout the running jar was built in, {@code /etc/hearth/profiles}.
     */
    public static List<Path> searchPath(Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        String override = env.get("HEARTH_PROFILE_DIR");
        if (override != null && !override.isBlank()) {
            for (String d : override.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        }
        dirs.add(Path.of("deploy", "profiles"));
        jarCheckout().ifPresent(root -> dirs.add(root.resolve("deploy").resolve("profiles")));
        dirs.add(Path.of("/etc/hearth/profiles"));
        return dirs;
    }

    /** The repository root when running from {@code ROOT/hearth-cli/target/hearth.jar} or {@code ROOT/*}/target/classes. */
    private static java.util.Optional<Path> jarCheckout() {
        try {
            var src = Profile.class.getProtectionDomain().getCodeSource();
            if (src == null) return java.util.Optional.empty();
            Path p = Path.of(src.getLocation().toURI()).toAbsolutePath();
            for (Path d = p.getParent(); d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("deploy").resolve("profiles"))) return java.util.Optional.of(d);
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // not a file location: no checkout to look in
        }
        return java.util.Optional.empty();
    }

    /** Replaces {@code ${VAR}} and {@code ${VAR:-default}} with the environment's value. */
    static String expand(String value, Map<String, String> env) {
        Matcher m = VAR.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null || v.isEmpty()) v = m.group(2) == null ? "" : m.group(2);
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
