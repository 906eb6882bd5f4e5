package hearth.server.router;

import hearth.server.pull.FileSelector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models of a models directory, by name. Found: every {@code *.gguf} under the directory (split models once, by
 * their first split; vision projectors skipped), including hub-cache folders {@code models--OWNER--REPO/snapshots/COMMIT/}
 * (only the commit {@code refs/main} names, when it names one), and the models a presets file defines.
 *
 * <p>Names: the file stem (without {@code .gguf} and the split suffix) is the id; when two files share a stem, both
 * get their qualified name (path without extension; {@code OWNER/REPO/stem} for hub folders) as id. The qualified
 * name, hub names {@code OWNER/REPO:QUANT} (and {@code OWNER/REPO} when the repository holds one model) and preset
 * aliases also find a model. Lookup is by name only: a request string never becomes a path, and files whose real
 * location is outside the directory (symbolic links out) are not in the catalog.
 */
public final class ModelCatalog {
    static final int MAX_DEPTH = 8;
    private static final Pattern SPLIT = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$", Pattern.CASE_INSENSITIVE);
    private static final Pattern HUB_DIR = Pattern.compile("^models--([^/]+?)--([^/]+)/snapshots/[^/]+/(.*)$");

    private final Path root;
    private final Presets presets;
    private final List<CatalogEntry> entries;
    private final Map<String, CatalogEntry> byName;
    private final Map<String, List<CatalogEntry>> byLowerName;
    private final List<String> problems;

    private ModelCatalog(Path root, Presets presets, List<CatalogEntry> entries, Map<String, CatalogEntry> byName, List<String> problems) {
        this.root = root;
        this.presets = presets;
        this.entries = List.copyOf(entries);
        this.byName = Map.copyOf(byName);
        Map<String, List<CatalogEntry>> lower = new HashMap<>();
        byName.forEach((n, e) -> {
            List<CatalogEntry> l = lower.computeIfAbsent(n.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
            if (!l.contains(e)) l.add(e);
        });
        this.byLowerName = Map.copyOf(lower);
        this.problems = List.copyOf(problems);
    }

    /** Scans {@code dir}; problems that spoil one model (a missing split, a link out of the directory) are kept in {@link #problems}. */
    public static ModelCatalog scan(Path dir) throws IOException {
        Path root;
        try {
            root = dir.toRealPath();
        } catch (NoSuchFileException e) {
            throw new CatalogException("models directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(root)) throw new CatalogException(dir + " is not a directory");
        Presets presets = Presets.load(root);
        List<String> problems = new ArrayList<>();
        List<Found> found = walk(root, problems);
        return build(root, presets, found, problems);
    }

    /** A GGUF model found on disk: path as listed (relative, '/'-separated) and the real files. */
    private record Found(String relative, Path file, List<Path> parts, long bytes) {}

    private static List<Found> walk(Path root, List<String> problems) throws IOException {
        // One entry per real file; a file reached by its own name wins over a link to it.
        Map<Path, Found> byReal = new LinkedHashMap<>();
        Set<Path> viaLink = new java.util.HashSet<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (d.equals(root)) return FileVisitResult.CONTINUE;
                String name = d.getFileName().toString();
                if (name.startsWith(".")) return FileVisitResult.SKIP_SUBTREE;
                if (!inside(root, d)) {
                    problems.add(rel(root, d) + "/: links outside the models directory; skipped");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path parent = d.getParent();
                if (parent.getFileName() != null && parent.getFileName().toString().startsWith("models--")) {
                    if (!name.equals("snapshots")) return FileVisitResult.SKIP_SUBTREE;  // blobs, refs: reached through snapshots
                }
                if (parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
                        && parent.getParent().getFileName().toString().startsWith("models--")) {
                    Path ref = parent.getParent().resolve("refs").resolve("main");
                    if (Files.isRegularFile(ref) && !Files.readString(ref, StandardCharsets.UTF_8).strip().equals(name)) {
                        return FileVisitResult.SKIP_SUBTREE;  // an older commit
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                String name = f.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                if (!attrs.isRegularFile() || !lower.endsWith(".gguf") || lower.startsWith("mmproj") || name.startsWith(".")) {
                    return FileVisitResult.CONTINUE;
                }
                if (!inside(root, f)) {
                    problems.add(rel(root, f) + ": links outside the models directory; skipped");
                    return FileVisitResult.CONTINUE;
                }
                Matcher m = SPLIT.matcher(name);
                List<Path> parts = new ArrayList<>();
                if (m.matches()) {
                    if (Integer.parseInt(m.group(2)) != 1) return FileVisitResult.CONTINUE;  // counted with its first split
                    int count = Integer.parseInt(m.group(3));
                    for (int i = 1; i <= count; i++) {
                        Path p = f.resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i, count));
                        if (!Files.isRegularFile(p) || !inside(root, p)) {
                            problems.add(rel(root, f) + ": split " + i + " of " + count + " is missing; skipped");
                            return FileVisitResult.CONTINUE;
                        }
                        parts.add(p.toRealPath());
                    }
                } else {
                    parts.add(f.toRealPath());
                }
                boolean link = !f.toAbsolutePath().normalize().equals(parts.getFirst());
                if (byReal.containsKey(parts.getFirst()) && (link || !viaLink.contains(parts.getFirst()))) return FileVisitResult.CONTINUE;
                long bytes = 0;
                for (Path p : parts) bytes += Files.size(p);
                byReal.put(parts.getFirst(), new Found(rel(root, f), parts.getFirst(), parts, bytes));
                if (link) viaLink.add(parts.getFirst());
                else viaLink.remove(parts.getFirst());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                if (e instanceof FileSystemLoopException) problems.add(rel(root, f) + ": symbolic link loop; skipped");
                return FileVisitResult.CONTINUE;
            }
        });
        return new ArrayList<>(byReal.values());
    }

    private static ModelCatalog build(Path root, Presets presets, List<Found> found, List<String> problems) throws IOException {
        // Preset entries with file = "...": their own id for that file.
        Map<String, String> presetIdByFile = new HashMap<>();
        for (var e : presets.byKey().entrySet()) {
            if (e.getValue().file().isEmpty()) continue;
            Path p = safeFile(root, e.getValue().file().get(), e.getKey(), presets);
            Found f = found.stream().filter(x -> x.file().equals(p)).findFirst().orElseThrow(() -> new CatalogException(
                    where(presets, e.getKey()) + " file '" + e.getValue().file().get() + "' is not a model in the directory (or a later split)"));
            presetIdByFile.put(f.relative(), e.getKey());
        }
        Map<String, Integer> stemCount = new HashMap<>();
        for (Found f : found) stemCount.merge(stem(f.relative()), 1, Integer::sum);
        Map<String, Integer> hubRepoCount = new HashMap<>();
        for (Found f : found) hubRepo(f.relative()).ifPresent(r -> hubRepoCount.merge(r, 1, Integer::sum));

        List<Draft> drafts = new ArrayList<>();
        for (Found f : found) {
            String stem = stem(f.relative()), qualified = qualified(f.relative());
            String id = presetIdByFile.getOrDefault(f.relative(), stemCount.get(stem) > 1 ? qualified : stem);
            List<String> names = new ArrayList<>(List.of(id, qualified, stem));
            hubRepo(f.relative()).ifPresent(repo -> {
                String quant = FileSelector.quantOf(f.relative().substring(f.relative().indexOf("/snapshots/") + 11));
                if (!quant.isEmpty()) names.add(repo + ":" + quant);
                if (hubRepoCount.get(repo) == 1) names.add(repo);
            });
            if (stemCount.get(stem) > 1) names.remove(stem);
            drafts.add(new Draft(id, names, f, ModelPreset.NONE));
        }
        for (var e : presets.byKey().entrySet()) {
            Draft d = drafts.stream().filter(x -> x.id.equals(e.getKey()) || x.names.contains(e.getKey())
                    || x.found.relative().equals(e.getKey())).findFirst().orElse(null);
            if (d == null) {
                problems.add(where(presets, e.getKey()) + " matches no model in the directory");
                continue;
            }
            d.preset = e.getValue();
            d.names.addAll(e.getValue().aliases());
        }
        drafts.sort(Comparator.comparing(d -> d.id));
        List<CatalogEntry> entries = new ArrayList<>();
        Map<String, CatalogEntry> byName = new LinkedHashMap<>();
        for (Draft d : drafts) {
            CatalogEntry e = new CatalogEntry(d.id, List.copyOf(new LinkedHashSet<>(d.names)), d.found.file(), d.found.parts(), d.found.bytes(),
                    d.found.relative(), d.preset.orElse(presets.defaults()));
            entries.add(e);
            byName.put(d.id, e);
        }
        // Ids first, then the other names; a name two models claim finds neither and is reported.
        Map<String, CatalogEntry> other = new HashMap<>();
        Set<String> clash = new LinkedHashSet<>();
        for (CatalogEntry e : entries) {
            for (String n : e.names()) {
                if (byName.containsKey(n)) {
                    if (byName.get(n) != e && !n.equals(e.id())) clash.add(n);
                    continue;
                }
                CatalogEntry prev = other.putIfAbsent(n, e);
                if (prev != null && prev != e) clash.add(n);
            }
        }
        for (String n : clash) {
            if (other.remove(n) != null) problems.add("name '" + n + "' fits several models; use their ids");
        }
        byName.putAll(other);
        List<CatalogEntry> cleaned = entries.stream().map(e -> new CatalogEntry(e.id(), e.names().stream().filter(n -> byName.get(n) == e).toList(),
                e.file(), e.parts(), e.bytes(), e.relative(), e.preset())).toList();
        Map<String, CatalogEntry> finalNames = new LinkedHashMap<>();
        for (CatalogEntry e : cleaned) for (String n : e.names()) finalNames.put(n, e);
        return new ModelCatalog(root, presets, cleaned, finalNames, problems);
    }

    private static final class Draft {
        final String id;
        final List<String> names;
        final Found found;
        ModelPreset preset;

        Draft(String id, List<String> names, Found found, ModelPreset preset) {
            this.id = id;
            this.names = names;
            this.found = found;
            this.preset = preset;
        }
    }

    /** A file a preset names: relative, no "..", and really inside the directory. */
    private static Path safeFile(Path root, String file, String key, Presets presets) throws IOException {
        String where = where(presets, key) + " file '" + file + "'";
        if (file.startsWith("/") || file.contains("\\") || file.contains(":") || List.of(file.split("/")).contains("..")) {
            throw new CatalogException(where + " must be a path inside the models directory");
        }
        Path p = root.resolve(file).normalize();
        if (!Files.isRegularFile(p)) throw new CatalogException(where + " does not exist");
        Path real = p.toRealPath();
        if (!real.startsWith(root)) throw new CatalogException(where + " leads outside the models directory");
        return real;
    }

    private static String where(Presets presets, String key) {
        return presets.source().map(p -> p.getFileName().toString()).orElse("presets") + ": [" + key + "]";
    }

    private static boolean inside(Path root, Path p) throws IOException {
        return p.toRealPath().startsWith(root);
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** File name without {@code .gguf} and without the split suffix. */
    static String stem(String relative) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        Matcher m = SPLIT.matcher(name);
        if (m.matches()) return m.group(1);
        return name.substring(0, name.length() - ".gguf".length());
    }

    /** Relative path without extension and split suffix; hub folders read as OWNER/REPO/.... */
    static String qualified(String relative) {
        String dir = relative.contains("/") ? relative.substring(0, relative.lastIndexOf('/') + 1) : "";
        Matcher hub = HUB_DIR.matcher(relative);
        if (hub.matches()) {
            String inner = hub.group(3);
            dir = hub.group(1) + "/" + hub.group(2) + "/" + (inner.contains("/") ? inner.substring(0, inner.lastIndexOf('/') + 1) : "");
        }
        return dir + stem(relative);
    }

    private static Optional<String> hubRepo(String relative) {
        Matcher hub = HUB_DIR.matcher(relative);
        return hub.matches() ? Optional.of(hub.group(1) + "/" + hub.group(2)) : Optional.empty();
    }

    /** The model {@code name} stands for: an exact name, else a name equal but for case when only one model has it. */
    public Optional<CatalogEntry> find(String name) {
        if (name == null) return Optional.empty();
        CatalogEntry e = byName.get(name);
        if (e != null) return Optional.of(e);
        List<CatalogEntry> l = byLowerName.get(name.toLowerCase(Locale.ROOT));
        return l != null && l.size() == 1 ? Optional.of(l.getFirst()) : Optional.empty();
    }

    public List<CatalogEntry> entries() {
        return entries;
    }

    public List<String> problems() {
        return problems;
    }

    public Path root() {
        return root;
    }

    public Presets presets() {
        return presets;
    }
}
