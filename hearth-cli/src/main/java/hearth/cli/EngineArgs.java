package hearth.cli;

import hearth.server.backend.launch.EngineKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine settings on {@code hearth serve}'s command line that are not Hearth options of their own
 * ({@code --tensor-parallel-size 4}, {@code --mlock}, {@code -ngl 99}, {@code --rpc-workers=slurm}): checked
 * against {@link EngineKeys#KNOWN} so that a typo is an error, not a silently ignored flag.
 */
final class EngineArgs {
    private EngineArgs() {}

    static Map<String, String> parse(List<String> words) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("-")) throw new IllegalArgumentException("unexpected argument '" + w + "'");
            String name = w.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String key = EngineKeys.SHORT.getOrDefault(name, name);
            if (!EngineKeys.KNOWN.contains(key)) throw new IllegalArgumentException("unknown option '" + w + "' (see hearth serve --help)");
            if (value == null) {
                boolean next = i + 1 < words.size() && !words.get(i + 1).startsWith("--")
                        && !(words.get(i + 1).startsWith("-") && !isNumber(words.get(i + 1)));
                if (EngineKeys.SWITCHES.contains(key) && !(next && isBoolean(words.get(i + 1)))) {
                    value = "true";
                } else if (next) {
                    value = words.get(++i);
                } else {
                    throw new IllegalArgumentException("option '" + w + "' needs a value");
                }
            }
            out.put(key, value);
        }
        return out;
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+(\\.\\d+)?");
    }

    private static boolean isBoolean(String s) {
        return s.matches("(?i)true|false|yes|no|on|off|1|0");
    }
}
