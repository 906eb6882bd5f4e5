package hearth.server.lifecycle;

import hearth.server.HearthServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM / SIGINT handling: the first signal stops admitting (readyz turns 503, new requests 503), lets requests in
 * flight finish within the grace period, stops the server and exits 0; a second signal exits at once (status 143).
 * {@code sun.misc.Signal} is used because a plain shutdown hook cannot tell a first signal from a second.
 */
public final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    public static final int FORCED_EXIT = 143;

    private final HearthServer server;
    private final Duration grace;
    private final IntConsumer exit;
    private final Runnable halt;
    private final AtomicInteger signals = new AtomicInteger();
    private final List<Runnable> onDraining = new CopyOnWriteArrayList<>();
    private final List<Runnable> afterStop = new CopyOnWriteArrayList<>();

    /**
     * @param exit called with 0 after a graceful stop (normally {@code System::exit})
     * @param halt called on the second signal (normally {@code Runtime.halt(143)})
     */
    public GracefulShutdown(HearthServer server, Duration grace, IntConsumer exit, Runnable halt) {
        this.server = server;
        this.grace = grace;
        this.exit = exit;
        this.halt = halt;
    }

    /**
     * Runs {@code hook} as soon as draining starts, before waiting for requests in flight (e.g. removing the
     * registry entry so that the gateway sends no more work).
     */
    public GracefulShutdown onDraining(Runnable hook) {
        onDraining.add(hook);
        return this;
    }

    /** Runs {@code hook} after the server and its engine have stopped, before exiting (e.g. requeueing the job). */
    public GracefulShutdown afterStop(Runnable hook) {
        afterStop.add(hook);
        return this;
    }

    /** Installs the handlers for TERM and INT in this JVM. */
    public void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            SignalHandler old = Signal.handle(new Signal(name), s -> onSignal(s.getName()));
            // the JVM leaves a signal alone when the process was started with it ignored (e.g. under nohup)
            if (old == SignalHandler.SIG_IGN) LOG.warn("SIG{} is ignored by this process; it cannot start a graceful shutdown", name);
        }
    }

    /** What a signal does; public so that tests can drive it without signals. */
    public void onSignal(String name) {
        if (signals.incrementAndGet() == 1) {
            server.admission().startDraining(); // before returning: a request after the signal is refused
            // logged once draining has started, so that whoever reads the line finds the server not ready
            LOG.info("SIG{}: draining (no new requests; in-flight ones may finish within {} s)", name, grace.toSeconds());
            Thread.ofPlatform().name("hearth-drain").start(this::drainAndExit);
        } else {
            LOG.warn("SIG{} again: exiting now", name);
            halt.run();
        }
    }

    private void drainAndExit() {
        try {
            run(onDraining);
            boolean idle = server.drain(grace);
            if (!idle) LOG.warn("grace period over with {} request(s) still running; cancelling them", server.admission().inFlight());
            server.close();
            run(afterStop);
            LOG.info("stopped");
        } catch (RuntimeException e) {
            LOG.error("error while shutting down", e);
        }
        exit.accept(0);
    }

    private static void run(List<Runnable> hooks) {
        for (Runnable h : hooks) {
            try {
                h.run();
            } catch (RuntimeException e) {
                LOG.error("shutdown step failed", e);
            }
        }
    }
}
