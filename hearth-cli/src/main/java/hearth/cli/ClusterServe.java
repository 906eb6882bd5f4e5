package hearth.cli;

import hearth.server.HearthServer;
import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.backend.EngineKind;
import hearth.server.backend.ForwardingBackend;
import hearth.server.backend.ProcessBackend;
import hearth.server.backend.ProxyBackend;
import hearth.server.backend.SupervisorSettings;
import hearth.server.backend.launch.EngineLaunch;
import hearth.server.backend.launch.LaunchPlan;
import hearth.server.backend.launch.LaunchPlanner;
import hearth.server.cluster.Settings;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hearth serve} with an external engine: starts and supervises llama-server / vLLM / SGLang (or fronts
 * {@code --upstream-url}) and serves Hearth's API in front of it.
 */
final class ClusterServe {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterServe.class);

    private ClusterServe() {}

    /** {@code --dry-run}: the command lines, nothing started. */
    static String dryRun(EngineKind kind, Settings s, java.util.Map<String, String> env) {
        if (kind == EngineKind.OPENAI) {
            return "# hearth serve: backend openai, API on http://" + s.get("host", "127.0.0.1") + ":" + s.get("port", "8080")
                    + " -> " + LaunchPlanner.upstreamBase(s.get("upstream-url").orElseThrow(
                            () -> new IllegalArgumentException("--backend openai needs --upstream-url"))) + "\n";
        }
        return EngineLaunch.detect(kind, s, env).dryRun();
    }

    static int serve(EngineKind kind, Settings s, ServerConfig server) throws InterruptedException {
        StringBuilder eff = new StringBuilder("engine settings:");
        s.effective().forEach((k, v) -> eff.append("\n  ").append(k).append(" = ").append(v.value())
                .append("  (").append(v.source().name().toLowerCase(java.util.Locale.ROOT)).append(')'));
        LOG.info(eff.toString());
        Duration headers = SupervisorSettings.seconds(s, "upstream-timeout", Duration.ofMinutes(10));
        ForwardingBackend backend;
        if (kind == EngineKind.OPENAI) {
            URI url = LaunchPlanner.upstreamBase(s.get("upstream-url").orElseThrow(() -> new IllegalArgumentException("--backend openai needs --upstream-url")));
            backend = new ProxyBackend(s.get("alias", "upstream"), false, url, s.get("upstream-api-key").orElse(null), headers);
            LOG.info("forwarding to {}", url);
        } else {
            EngineLaunch launch = EngineLaunch.detect(kind, s, System.getenv());
            LOG.info("{}; {}", launch.gpus().describe(), launch.job().inSlurm()
                    ? "SLURM job " + launch.job().jobId() + " on " + launch.job().thisNode() + " (restart " + launch.job().restartCount() + ")"
                    : "not in a SLURM job");
            LaunchPlan plan = launch.plan();
            LOG.info("starting {}:\n{}", kind.flag(), plan.render().strip());
            boolean router = launch.modelId().isEmpty();
            Duration stopGrace = SupervisorSettings.seconds(s, "engine-stop-grace", Duration.ofSeconds(10));
            backend = new ProcessBackend(launch.modelId().orElse(s.get("tier", kind.flag())), !router, plan,
                    SupervisorSettings.from(launch.settings()), headers, stopGrace);
        }
        // the port opens first: /healthz answers and /readyz says "loading" while the engine starts
        HearthServer http = new HearthServer(server, backend).start();
        if (backend instanceof ProcessBackend p) p.start();
        ServeLifecycle.install(http, s, server.shutdownGrace());
        if (backend instanceof ProcessBackend p) exitWhenFailed(http, p);
        new java.util.concurrent.CountDownLatch(1).await(); // the signal handler ends the process
        return 0;
    }

    /** An engine the supervisor gave up on ends the process (status 1), so that SLURM or systemd see it. */
    private static void exitWhenFailed(HearthServer http, ProcessBackend backend) {
        Thread.ofPlatform().daemon().name("hearth-failed-watch").start(() -> {
            try {
                while (backend.state() != Backend.State.FAILED) {
                    if (http.admission().draining()) return;
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                return;
            }
            LOG.error("cannot serve: {} failed: {}; exiting", backend.modelId(), backend.failure().orElse("?"));
            http.close();
            System.exit(1);
        });
    }
}
