package hearth.cli;

import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Logs a command's effective options once at start: value and where it came from, secrets masked. */
final class EffectiveConfig {
    private static final Set<String> SECRET = Set.of("--api-key");
    private static final Set<String> SKIP = Set.of("--help", "--version");

    private EffectiveConfig() {}

    static void log(Logger log, CommandLine.Model.CommandSpec spec, EnvDefaults env) {
        log(log, spec, env, null);
    }

    /** The same, naming the profile for values it supplied. */
    static void log(Logger log, CommandLine.Model.CommandSpec spec, EnvDefaults env, ProfileDefaults profile) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        StringBuilder sb = new StringBuilder("effective configuration:");
        for (OptionSpec o : spec.options()) {
            if (SKIP.contains(o.longestName())) continue;
            Object v = o.getValue();
            EnvDefaults.Source source = env.source(parsed, o);
            String shown = v == null ? "-" : SECRET.contains(o.longestName()) ? mask(v.toString()) : v.toString();
            sb.append("\n  ").append(o.longestName()).append(" = ").append(shown);
            if (profile != null && profile.fromProfile(parsed, o)) {
                sb.append("  (profile ").append(profile.profile.name()).append(')');
            } else if (source != EnvDefaults.Source.DEFAULT) {
                sb.append("  (").append(source.name().toLowerCase(Locale.ROOT));
                if (source != EnvDefaults.Source.FLAG) env.lookup(o).ifPresent(f -> sb.append(' ').append(f.variable()));
                sb.append(')');
            }
        }
        log.info(sb.toString());
    }

    /** "****" per key, so the log shows how many keys there are but nothing of them. */
    static String mask(String keys) {
        long n = keys.chars().filter(c -> c == ',').count() + 1;
        return String.join(",", java.util.Collections.nCopies((int) n, "****"));
    }
}
