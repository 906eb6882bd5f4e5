package hearth.cli;

import hearth.server.HearthServer;
import hearth.server.backend.Backend;
import hearth.server.backend.proxy.ForwardedModel;
import hearth.server.openai.ModelSource;
import hearth.server.router.CatalogEntry;
import hearth.server.router.RouterModels;
import hearth.server.cluster.Registration;
import hearth.server.cluster.RegistryWriter;
import hearth.server.cluster.Settings;
import hearth.server.cluster.SlurmJob;
import hearth.server.cluster.SlurmRequeue;
import hearth.server.lifecycle.GracefulShutdown;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a serving process does around its HTTP server, whatever the backend: the registry entry (written once the
 * backend is first ready, refreshed, deleted when draining starts) and the SIGTERM sequence — not ready,
 * deregister, drain, stop the engine, requeue the SLURM job ({@code --requeue-on-term}), exit.
 */
final class ServeLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ServeLifecycle.class);

    private ServeLifecycle() {}

    static GracefulShutdown install(HearthServer http, Settings s, Duration grace) {
        SlurmJob job = SlurmJob.fromEnv(System.getenv());
        Supplier<List<String>> models = () -> modelIds(http.models());
        GracefulShutdown shutdown = new GracefulShutdown(http, grace, System::exit,
                () -> Runtime.getRuntime().halt(GracefulShutdown.FORCED_EXIT));
        Registration.from(s, job, http.port(), models.get(), Instant.now()).ifPresent(reg -> {
            RegistryWriter writer = new RegistryWriter(reg.dir(), reg.entry(), models, Clock.systemUTC());
            shutdown.onDraining(writer::deregister);
            Thread.ofVirtual().name("hearth-register").start(() -> registerWhenReady(http, writer, reg.interval()));
        });
        if (s.bool("requeue-on-term", false)) {
            if (job.inSlurm()) {
                String scontrol = s.get("scontrol", "scontrol");
                shutdown.afterStop(() -> SlurmRequeue.requeue(scontrol, job.jobId(), Duration.ofSeconds(15)));
            } else {
                LOG.info("--requeue-on-term: not in a SLURM job, nothing will be requeued");
            }
        }
        shutdown.install();
        return shutdown;
    }

    /** What the registry entry lists: the engine's models now, a router's catalog, else the one model. */
    private static List<String> modelIds(ModelSource source) {
        return switch (source) {
            case ForwardedModel f -> f.backend().models();
            case RouterModels r -> r.router().catalog().entries().stream().map(CatalogEntry::id).toList();
            default -> List.of(source.defaultId());
        };
    }

    /** Registers at the first READY; gives up when the server starts draining first. */
    private static void registerWhenReady(HearthServer http, RegistryWriter writer, Duration interval) {
        try {
            while (http.models().state() != Backend.State.READY) {
                if (http.admission().draining()) return;
                Thread.sleep(200);
            }
            synchronized (writer) {
                if (!http.admission().draining()) writer.start(interval);
            }
        } catch (IOException e) {
            LOG.error("cannot write the registry entry {}: {}", writer.file(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
