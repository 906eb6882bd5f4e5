package hearth.server.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import hearth.engine.kv.KvCacheType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The presets file of a models directory: {@code models.toml}, {@code models.yaml} or {@code models.yml}. Each
 * top-level table is keyed by a model id (or a path relative to the directory) and holds that model's settings; the
 * table {@code defaults} applies to every model. Keys may use '-' or '_':
 * <pre>
 * [defaults]
 * idle-ttl = "15m"
 *
 * [qwen2.5-0.5b-instruct-q4_k_m]
 * alias = ["qwen", "small"]
 * ctx-size = 8192
 * parallel = 4
 * cache-type-k = "f16"
 * pinned = true
 *
 * [coder]                          # a new id for a file
 * file = "sub/coder-Q4_K_M.gguf"
 * chat-template = "chatml"
 * </pre>
 * Unknown keys and wrong types are errors that name the file, table and key: a typo must not pass silently.
 */
public record Presets(Optional<Path> source, ModelPreset defaults, Map<String, ModelPreset> byKey) {
    public static final List<String> FILE_NAMES = List.of("models.toml", "models.yaml", "models.yml");
    public static final Presets NONE = new Presets(Optional.empty(), ModelPreset.NONE, Map.of());

    /** Reads the presets file of {@code dir}, or {@link #NONE} when it has none. */
    public static Presets load(Path dir) {
        for (String name : FILE_NAMES) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return parse(p);
        }
        return NONE;
    }

    static Presets parse(Path file) {
        ObjectMapper mapper = file.getFileName().toString().endsWith(".toml") ? new TomlMapper() : new YAMLMapper();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new Presets(Optional.of(file), ModelPreset.NONE, Map.of());
        if (!root.isObject()) throw new CatalogException(file + ": expected a table of models at the top level");
        ModelPreset defaults = ModelPreset.NONE;
        Map<String, ModelPreset> byKey = new LinkedHashMap<>();
        for (var e : root.properties()) {
            String where = file.getFileName() + ": [" + e.getKey() + "]";
            if (!e.getValue().isObject()) throw new CatalogException(where + " must be a table of settings");
            ModelPreset p = preset(where, e.getValue());
            if (e.getKey().equals("defaults") || e.getKey().equals("*")) {
                if (!p.aliases().isEmpty() || p.file().isPresent()) throw new CatalogException(where + " cannot have alias or file");
                defaults = p;
            } else {
                byKey.put(e.getKey(), p);
            }
        }
        return new Presets(Optional.of(file), defaults, byKey);
    }

    private static ModelPreset preset(String where, JsonNode t) {
        List<String> aliases = new ArrayList<>();
        Optional<String> file = Optional.empty(), template = Optional.empty();
        Optional<KvCacheType> k = Optional.empty(), v = Optional.empty();
        Optional<Duration> ttl = Optional.empty();
        int ctx = 0, parallel = 0;
        boolean pinned = false;
        for (var e : t.properties()) {
            String key = e.getKey().toLowerCase(Locale.ROOT).replace('_', '-');
            JsonNode val = e.getValue();
            String at = where + " " + e.getKey();
            switch (key) {
                case "alias", "aliases" -> {
                    if (val.isTextual()) aliases.add(val.asText());
                    else if (val.isArray()) for (JsonNode a : val) aliases.add(text(at, a));
                    else throw new CatalogException(at + " must be a name or a list of names");
                }
                case "file", "model" -> file = Optional.of(text(at, val));
                case "ctx-size", "context-size" -> ctx = positive(at, val);
                case "parallel", "slots" -> parallel = positive(at, val);
                case "chat-template" -> template = Optional.of(text(at, val));
                case "cache-type-k" -> k = Optional.of(cacheType(at, val));
                case "cache-type-v" -> v = Optional.of(cacheType(at, val));
                case "cache-type", "kv-cache-type" -> {
                    k = Optional.of(cacheType(at, val));
                    v = k;
                }
                case "idle-ttl", "ttl" -> ttl = Optional.of(duration(at, val));
                case "pinned", "pin" -> {
                    if (!val.isBoolean()) throw new CatalogException(at + " must be true or false");
                    pinned = val.asBoolean();
                }
                default -> throw new CatalogException(at + ": unknown setting (known: alias, file, ctx-size, parallel, chat-template, "
                        + "cache-type-k, cache-type-v, cache-type, idle-ttl, pinned)");
            }
        }
        for (String a : aliases) {
            if (a.isBlank() || a.length() > 200) throw new CatalogException(where + " alias '" + a + "' is not a usable name");
        }
        return new ModelPreset(aliases, file, ctx, parallel, template, k, v, ttl, pinned);
    }

    private static String text(String at, JsonNode v) {
        if (!v.isTextual() || v.asText().isBlank()) throw new CatalogException(at + " must be a non-empty string");
        return v.asText();
    }

    private static int positive(String at, JsonNode v) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) throw new CatalogException(at + " must be a positive integer");
        return v.asInt();
    }

    private static KvCacheType cacheType(String at, JsonNode v) {
        try {
            return KvCacheType.parse(text(at, v));
        } catch (IllegalArgumentException e) {
            throw new CatalogException(at + ": " + e.getMessage());
        }
    }

    /** Seconds as a number, or text like "10m"; 0 means never unload. */
    private static Duration duration(String at, JsonNode v) {
        try {
            if (v.isNumber() && v.asDouble() >= 0) return Duration.ofMillis(Math.round(v.asDouble() * 1000));
            if (v.isTextual()) return Units.duration(v.asText());
        } catch (IllegalArgumentException e) {
            throw new CatalogException(at + ": " + e.getMessage());
        }
        throw new CatalogException(at + " must be seconds or a duration like \"10m\"");
    }
}
