package hearth.server.backend;

import hearth.server.cluster.Settings;
import java.time.Duration;

/** The supervisor's timings from settings (seconds), defaults as in {@link ProcessSupervisor.Config#defaults}. */
public final class SupervisorSettings {
    private SupervisorSettings() {}

    public static ProcessSupervisor.Config from(Settings s) {
        ProcessSupervisor.Config d = ProcessSupervisor.Config.defaults();
        return new ProcessSupervisor.Config(
                seconds(s, "helper-start-timeout", d.helperStartTimeout()),
                seconds(s, "engine-start-timeout", d.engineStartTimeout()),
                seconds(s, "engine-health-interval", d.healthInterval()),
                d.unhealthyAfter(),
                new Backoff(seconds(s, "restart-backoff", d.backoff().initial()), seconds(s, "restart-backoff-max", d.backoff().max()),
                        d.backoff().stable()),
                s.integer("max-restarts", d.maxRestarts()),
                d.restartStopGrace(),
                s.get("engine-log-dir").map(java.nio.file.Path::of).orElse(null));
    }

    public static Duration seconds(Settings s, String key, Duration fallback) {
        return s.decimal(key).map(v -> {
            if (v < 0) throw new IllegalArgumentException(key + " must not be negative, got " + v);
            return Duration.ofMillis(Math.round(v * 1000));
        }).orElse(fallback);
    }
}
