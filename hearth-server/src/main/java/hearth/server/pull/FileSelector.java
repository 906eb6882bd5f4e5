package hearth.server.pull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks the files of a {@link Selection} from a repository listing, and checks that split models are complete. */
public final class FileSelector {
    /** The quantisation we take when a repository has several and the user named none (llama.cpp's default too). */
    public static final String DEFAULT_QUANT = "Q4_K_M";

    private static final Pattern SPLIT = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$", Pattern.CASE_INSENSITIVE);
    // Quantisation names as llama-quantize and the usual uploaders spell them (UD- = Unsloth dynamic).
    private static final Pattern QUANT_NAME = Pattern.compile(
            "(?i)(?<![A-Za-z0-9])((?:UD-)?(?:I?Q\\d+(?:_[A-Z0-9]+)*|BF16|F16|F32|MXFP4(?:_MOE)?))(?![A-Za-z0-9])");

    private FileSelector() {}

    public static List<RepoFile> select(String repo, List<RepoFile> files, Selection sel) {
        List<RepoFile> picked;
        if (!sel.includes().isEmpty()) {
            List<Pattern> globs = sel.includes().stream().map(FileSelector::glob).toList();
            picked = files.stream().filter(f -> globs.stream().anyMatch(g -> g.matcher(f.path()).matches())).toList();
            if (sel.quant().isPresent()) picked = picked.stream().filter(f -> !f.isGguf() || hasQuant(f.path(), sel.quant().get())).toList();
            if (picked.isEmpty()) throw new HubException(HubException.Kind.INVALID, "no file of " + repo + " matches " + sel.includes()
                    + sel.quant().map(q -> " and " + q).orElse("") + describe(files));
        } else if (sel.quant().isPresent()) {
            String q = sel.quant().get();
            picked = models(files).stream().filter(f -> hasQuant(f.path(), q)).toList();
            if (picked.isEmpty()) throw new HubException(HubException.Kind.NOT_FOUND, repo + " has no GGUF file for quantisation '" + q + "'" + describe(files));
        } else {
            List<RepoFile> ggufs = models(files);
            if (ggufs.isEmpty()) {
                picked = files;
            } else {
                Map<String, List<RepoFile>> byQuant = variants(ggufs);
                if (byQuant.size() == 1) picked = ggufs;
                else if (byQuant.containsKey(DEFAULT_QUANT)) picked = byQuant.get(DEFAULT_QUANT);
                else throw new HubException(HubException.Kind.INVALID, repo + " holds several models; name one as " + repo + ":QUANT" + describe(files));
            }
        }
        checkSplitsComplete(picked, files);
        return picked;
    }

    /** Whether {@code path} names quantisation {@code quant}: the name appears between separators (- . /) in the path. */
    static boolean hasQuant(String path, String quant) {
        Pattern p = Pattern.compile("(?i)(^|[-./])" + Pattern.quote(quant) + "($|[-./])");
        return p.matcher(path).find();
    }

    /** GGUF files grouped by the quantisation their name shows (upper case; "" when none shows). */
    public static Map<String, List<RepoFile>> variants(List<RepoFile> files) {
        Map<String, List<RepoFile>> out = new LinkedHashMap<>();
        for (RepoFile f : models(files)) out.computeIfAbsent(quantOf(f.path()), k -> new ArrayList<>()).add(f);
        return out;
    }

    /** The quantisation a file or folder name shows, upper case ("" when none). */
    public static String quantOf(String path) {
        Matcher m = QUANT_NAME.matcher(path.replaceFirst("(?i)-\\d{5}-of-\\d{5}\\.gguf$", ".gguf"));
        String last = "";
        while (m.find()) last = m.group(1);
        return last.toUpperCase(Locale.ROOT);
    }

    /** GGUF model files: not vision projectors (mmproj), which are loaded beside a model, never alone. */
    private static List<RepoFile> models(List<RepoFile> files) {
        return files.stream().filter(RepoFile::isGguf).filter(f -> !f.fileName().toLowerCase(Locale.ROOT).startsWith("mmproj")).toList();
    }

    private static void checkSplitsComplete(List<RepoFile> picked, List<RepoFile> all) {
        for (RepoFile f : picked) {
            Matcher m = SPLIT.matcher(f.path());
            if (!m.matches()) continue;
            int count = Integer.parseInt(m.group(3));
            for (int i = 1; i <= count; i++) {
                String part = String.format("%s-%05d-of-%05d.gguf", m.group(1), i, count);
                if (all.stream().noneMatch(x -> x.path().equalsIgnoreCase(part))) {
                    throw new HubException(HubException.Kind.NOT_FOUND, "split model is incomplete on the hub: " + part + " is missing");
                }
            }
        }
    }

    private static String describe(List<RepoFile> files) {
        TreeSet<String> quants = new TreeSet<>(variants(files).keySet());
        quants.remove("");
        return quants.isEmpty() ? "" : "; quantisations there: " + String.join(", ", quants);
    }

    /** A glob as huggingface_hub's allow_patterns read it (fnmatch): '*' matches any run of characters, '/' included. */
    static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = g.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = g.substring(i + 1, close);
                        if (body.startsWith("!")) body = "^" + body.substring(1);
                        re.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
