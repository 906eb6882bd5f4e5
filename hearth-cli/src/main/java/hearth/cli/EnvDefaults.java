package hearth.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment, for any picocli command: flag > environment variable > {@code .env} in the
 * working directory > the option's own default. An option's variables are its long names upper-cased with '-' as '_'
 * ({@code --ctx-size} → {@code CTX_SIZE}; every long name counts, so alias names give alias variables), then the
 * same with a {@code HEARTH_} prefix, then any extra names given for it.
 *
 * <p>Use: {@code commandLine.setDefaultValueProvider(EnvDefaults.load(...))}; picocli asks it for every option not on
 * the command line, and falls back to the annotation's {@code defaultValue} when it answers null.
 */
public final class EnvDefaults implements CommandLine.IDefaultValueProvider {
    /** Where an option's value came from. */
    public enum Source { FLAG, ENV, DOTENV, DEFAULT }

    /** A value found for an option and its origin (for logging the effective configuration). */
    public record Found(String value, Source source, String variable) {}

    private final Map<String, String> env;
    private final Map<String, String> dotEnv;
    private final Map<String, List<String>> extraNames;

    /**
     * @param extraNames additional variable names per option, keyed by the option's longest name (e.g.
     *                   {@code "--api-key" -> ["HEARTH_API_KEY"]})
     */
    public EnvDefaults(Map<String, String> env, Map<String, String> dotEnv, Map<String, List<String>> extraNames) {
        this.env = Map.copyOf(env);
        this.dotEnv = Map.copyOf(dotEnv);
        this.extraNames = Map.copyOf(extraNames);
    }

    /** The process environment and {@code dir/.env}. */
    public static EnvDefaults load(Path dir, Map<String, List<String>> extraNames) {
        return new EnvDefaults(System.getenv(), DotEnv.read(dir.resolve(".env")), extraNames);
    }

    /** {@code --ctx-size} → {@code CTX_SIZE}. */
    public static String variable(String optionName) {
        String n = optionName.replaceFirst("^-+", "");
        return n.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The variables consulted for an option, in order. */
    public List<String> variables(OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String n : o.names()) if (n.startsWith("--")) names.add(variable(n));
        for (String n : List.copyOf(names)) names.add("HEARTH_" + n);
        names.addAll(extraNames.getOrDefault(o.longestName(), List.of()));
        return names;
    }

    /** The environment or {@code .env} value for an option, if any. */
    public Optional<Found> lookup(OptionSpec o) {
        List<String> names = variables(o);
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isEmpty()) return Optional.of(new Found(v, Source.ENV, n));
        }
        for (String n : names) {
            String v = dotEnv.get(n);
            if (v != null && !v.isEmpty()) return Optional.of(new Found(v, Source.DOTENV, n));
        }
        return Optional.empty();
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o)) return null;
        return lookup(o).map(Found::value).orElse(null);
    }

    /** Where the value of {@code o} in a parsed command came from. */
    public Source source(CommandLine.ParseResult parsed, OptionSpec o) {
        if (parsed.hasMatchedOption(o)) return Source.FLAG;
        return lookup(o).map(Found::source).orElse(Source.DEFAULT);
    }
}
