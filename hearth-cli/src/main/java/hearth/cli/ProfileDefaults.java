package hearth.cli;

import hearth.server.backend.EngineKind;
import hearth.server.cluster.Profile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code hearth serve}'s option defaults with a profile under the environment: flag > environment > {@code .env}
 * > profile > the option's default. The profile is chosen before parsing ({@code --profile} on the command line,
 * else {@code PROFILE}/{@code HEARTH_PROFILE}), because picocli asks for defaults while it parses. For an external
 * engine the profile's engine tuning (context, slots, threads, KV types, model) goes to the engine's command line
 * only, not into Hearth's own typed options (it may read {@code auto}).
 */
final class ProfileDefaults implements CommandLine.IDefaultValueProvider {
    /** Options of the embedded engine that external engines receive through their own command line. */
    static final Set<String> EMBEDDED_ENGINE_OPTIONS = Set.of("model", "ctx-size", "parallel", "batch-size", "ubatch-size",
            "threads", "threads-batch", "cache-type-k", "cache-type-v", "kv-cache-tokens", "prefix-cache", "queue-size");

    final EnvDefaults env;
    final Map<String, String> environment;
    final Map<String, String> dotEnv;
    final Profile profile;
    final String error;
    private final boolean external;

    ProfileDefaults(Map<String, String> environment, Map<String, String> dotEnv, Profile profile, String error, boolean external) {
        this.environment = Map.copyOf(environment);
        this.dotEnv = Map.copyOf(dotEnv);
        this.env = new EnvDefaults(environment, dotEnv, ServeCommand.EXTRA_VARIABLES);
        this.profile = profile;
        this.error = error;
        this.external = external;
    }

    /**
     * Reads {@code --profile} and {@code --backend} from the words after {@code serve}, then loads the profile; a
     * profile that cannot be loaded is reported when the command runs ({@link #error}).
     */
    static ProfileDefaults prepare(List<String> serveArgs, Map<String, String> environment, Map<String, String> dotEnv) {
        String name = option(serveArgs, "--profile").orElse(firstOf(environment, dotEnv, "PROFILE", "HEARTH_PROFILE"));
        Profile profile = null;
        String error = null;
        if (name != null && !name.isBlank()) {
            try {
                profile = Profile.load(name, Profile.searchPath(environment), environment);
            } catch (Exception e) {
                error = e.getMessage();
            }
        }
        String backend = option(serveArgs, "--backend").orElse(firstOf(environment, dotEnv, "BACKEND", "HEARTH_BACKEND"));
        if (backend == null && profile != null) backend = profile.settings().get("backend");
        boolean external;
        try {
            external = backend != null && EngineKind.parse(backend) != EngineKind.EMBEDDED;
        } catch (IllegalArgumentException e) {
            external = false;
        }
        return new ProfileDefaults(environment, dotEnv, profile, error, external);
    }

    private static Optional<String> option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name) && i + 1 < args.size()) return Optional.of(args.get(i + 1));
            if (a.startsWith(name + "=")) return Optional.of(a.substring(name.length() + 1));
        }
        return Optional.empty();
    }

    private static String firstOf(Map<String, String> env, Map<String, String> dotEnv, String... names) {
        for (Map<String, String> m : List.of(env, dotEnv)) {
            for (String n : names) {
                String v = m.get(n);
                if (v != null && !v.isBlank()) return v;
            }
        }
        return null;
    }

    @Override
    public String defaultValue(ArgSpec arg) throws Exception {
        String v = env.defaultValue(arg);
        if (v != null || profile == null || !(arg instanceof OptionSpec o)) return v;
        String key = key(o);
        if (external && EMBEDDED_ENGINE_OPTIONS.contains(key)) return null;
        String p = profile.settings().get(key);
        return p == null || p.isEmpty() ? null : p;
    }

    /** An option's settings key: its first long name without dashes ({@code --ctx-size} → {@code ctx-size}). */
    static String key(OptionSpec o) {
        for (String n : o.names()) if (n.startsWith("--")) return n.substring(2);
        return o.longestName().replaceFirst("^-+", "");
    }

    /** True when the profile supplied {@code o}'s value (not the flag, environment or .env). */
    boolean fromProfile(CommandLine.ParseResult parsed, OptionSpec o) {
        return profile != null && env.source(parsed, o) == EnvDefaults.Source.DEFAULT
                && profile.settings().containsKey(key(o)) && !(external && EMBEDDED_ENGINE_OPTIONS.contains(key(o)));
    }
}
