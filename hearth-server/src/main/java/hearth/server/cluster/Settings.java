package hearth.server.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Named settings looked up in layers, first hit wins: command-line flags, environment, {@code .env} file, profile,
 * built-in defaults. Keys are flag names without dashes ({@code ctx-size}); the environment name of a key is the
 * key upper-cased with {@code -} → {@code _} ({@code CTX_SIZE}), the same with a {@code HEARTH_} prefix, or one of
 * its {@link #ALIASES} (the seeds' names, such as {@code MODEL_PATH}).
 */
public final class Settings {
    public enum Source { FLAG, ENV, DOTENV, PROFILE, DEFAULT }

    /** A value and where it came from (for the effective-config log). */
    public record Value(String value, Source source) {}

    /** Other environment names accepted for a key, after the derived one. */
    public static final Map<String, List<String>> ALIASES = Map.of(
            "model", List.of("MODEL_PATH"),
            "models-dir", List.of("MODELS_DIR"),
            "upstream-url", List.of("OPENAI_API_BASE"));

    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final Map<String, String> dotenv;
    private final Map<String, String> profile;
    private final Map<String, String> defaults;

    public Settings(Map<String, String> flags, Map<String, String> env, Map<String, String> dotenv,
                    Map<String, String> profile, Map<String, String> defaults) {
        this.flags = Map.copyOf(flags);
        this.env = Map.copyOf(env);
        this.dotenv = Map.copyOf(dotenv);
        this.profile = Map.copyOf(profile);
        this.defaults = Map.copyOf(defaults);
    }

    /** Settings from one map only (tests, profiles on their own). */
    public static Settings of(Map<String, String> values) {
        return new Settings(values, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** The same layers with {@code more} as flags on top (values a caller decided, e.g. detected defaults). */
    public Settings withFlags(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(flags);
        merged.putAll(more);
        return new Settings(merged, env, dotenv, profile, defaults);
    }

    /** The same layers with {@code more} as defaults under everything else. */
    public Settings withDefaults(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(more);
        merged.putAll(defaults);
        return new Settings(flags, env, dotenv, profile, merged);
    }

    /** The environment variable names of {@code key}, derived name first. */
    public static List<String> envNames(String key) {
        List<String> names = new ArrayList<>();
        String derived = key.toUpperCase(Locale.ROOT).replace('-', '_');
        names.add(derived);
        names.add("HEARTH_" + derived);
        names.addAll(ALIASES.getOrDefault(key, List.of()));
        return names;
    }

    public Optional<Value> lookup(String key) {
        if (flags.containsKey(key)) return Optional.of(new Value(flags.get(key), Source.FLAG));
        for (String name : envNames(key)) {
            if (nonBlank(env.get(name))) return Optional.of(new Value(env.get(name), Source.ENV));
        }
        for (String name : envNames(key)) {
            if (nonBlank(dotenv.get(name))) return Optional.of(new Value(dotenv.get(name), Source.DOTENV));
        }
        if (profile.containsKey(key)) return Optional.of(new Value(profile.get(key), Source.PROFILE));
        if (defaults.containsKey(key)) return Optional.of(new Value(defaults.get(key), Source.DEFAULT));
        return Optional.empty();
    }

    /**
     * The value, stripped; an empty value counts as unset, so that a profile line {@code key =} clears what the
     * profile it extends set.
     */
    public Optional<String> get(String key) {
        return lookup(key).map(v -> v.value().strip()).filter(v -> !v.isEmpty());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public Optional<Integer> integer(String key) {
        return get(key).map(v -> parse(key, v, Integer::parseInt, "a whole number"));
    }

    public int integer(String key, int fallback) {
        return integer(key).orElse(fallback);
    }

    public Optional<Double> decimal(String key) {
        return get(key).map(v -> parse(key, v, Double::parseDouble, "a number"));
    }

    /** true/false, yes/no, on/off, 1/0. */
    public Optional<Boolean> bool(String key) {
        return get(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        });
    }

    public boolean bool(String key, boolean fallback) {
        return bool(key).orElse(fallback);
    }

    /** A comma- or space-separated list; empty when unset. */
    public List<String> list(String key) {
        return get(key).map(v -> List.of(v.split("[,\\s]+"))).orElse(List.of()).stream()
                .filter(s -> !s.isEmpty()).toList();
    }

    /** Every key set in the flag, profile or default layers with its value and source, secrets masked. */
    public Map<String, Value> effective() {
        Map<String, Value> out = new TreeMap<>();
        for (Map<String, String> layer : List.of(defaults, profile, flags)) {
            for (String key : layer.keySet()) lookup(key).ifPresent(v -> out.put(key, mask(key, v)));
        }
        return out;
    }

    /** Keys whose values never appear in logs. */
    public static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("key") || k.contains("token") || k.contains("secret") || k.contains("password");
    }

    private static Value mask(String key, Value v) {
        return secret(key) && !v.value().isEmpty() ? new Value("****", v.source()) : v;
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static <T> T parse(String key, String v, java.util.function.Function<String, T> f, String what) {
        try {
            return f.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be " + what + ", got '" + v + "'");
        }
    }
}
