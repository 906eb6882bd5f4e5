package hearth.server.backend.launch;

import hearth.server.backend.EngineKind;
import hearth.server.cluster.GpuInventory;
import hearth.server.cluster.Profile;
import hearth.server.cluster.RepoDirs;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plans a repository profile the way {@code hearth serve --profile} does, with a given environment and GPUs. */
final class ProfilePlans {
    static final String FOUR_L40S = "0, NVIDIA L40S, 46068, 1\n1, NVIDIA L40S, 46068, 1\n"
            + "2, NVIDIA L40S, 46068, 1\n3, NVIDIA L40S, 46068, 1\n";
    static final String ONE_V100S = "0, Tesla V100S-PCIE-32GB, 32768, 0\n";
    static final String ONE_GH200 = "0, NVIDIA GH200 480GB, 97871, 0\n";

    private ProfilePlans() {}

    static LaunchPlan plan(String profile, Map<String, String> env, String gpuCsv, Map<String, String> flags) {
        try {
            Profile p = Profile.load(profile, List.of(RepoDirs.profiles()), env);
            Settings s = new Settings(flags, env, Map.of(), p.settings(), Map.of());
            LaunchContext c = LaunchContext.resolve(s, SlurmJob.fromEnv(env), GpuInventory.parse(gpuCsv), 8);
            return LaunchPlanner.plan(EngineKind.parse(s.get("backend").orElseThrow()), c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An argv as flag → value, in order: {@code --x v} and {@code --x=v} give {@code v}, a flag followed by another
     * flag (or last) gives "". Words before the first flag are left out ({@link #command}).
     */
    static Map<String, String> flags(List<String> argv) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = firstFlag(argv);
        while (i < argv.size()) {
            String a = argv.get(i);
            if (!a.startsWith("-")) throw new AssertionError("stray word " + a + " in " + argv);
            int eq = a.indexOf('=');
            if (eq > 0) {
                put(out, a.substring(0, eq), a.substring(eq + 1), argv);
                i++;
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
                put(out, a, argv.get(i + 1), argv);
                i += 2;
            } else {
                put(out, a, "", argv);
                i++;
            }
        }
        return out;
    }

    /** The words before the first flag: the program and its positional arguments. */
    static List<String> command(List<String> argv) {
        return argv.subList(0, firstFlag(argv));
    }

    private static int firstFlag(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) if (argv.get(i).startsWith("-")) return i;
        return argv.size();
    }

    private static void put(Map<String, String> out, String k, String v, List<String> argv) {
        if (out.put(k, v) != null) throw new AssertionError(k + " given twice in " + argv);
    }
}
