package hearth.server.backend;

import hearth.server.backend.launch.LaunchPlan;
import hearth.server.backend.launch.LaunchStep;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LaunchPlan} and keeps it running. Helpers start first (each RPC worker or Ray node must accept
 * connections before the next step), then the engine, which is ready once its health URL answers 200.
 * Liveness is judged by the processes themselves, never by TCP probes: when any of them exits, the set is
 * unready at once, the survivors are stopped and the whole set is started again after a backoff. While up, the
 * engine's health URL is polled: readiness follows its answers, without restarts.
 */
public final class ProcessSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSupervisor.class);

    public enum State { STARTING, READY, RESTARTING, FAILED, STOPPED }

    /**
     * @param maxRestarts restarts in a row (without a stable run between) before giving up; negative = never
     * @param logDir      where the children's output files are kept; null = temporary files, deleted after use
     */
    public record Config(Duration helperStartTimeout, Duration engineStartTimeout, Duration healthInterval,
                         int unhealthyAfter, Backoff backoff, int maxRestarts, Duration restartStopGrace, Path logDir) {
        public static Config defaults() {
            return new Config(Duration.ofSeconds(120), Duration.ofSeconds(600), Duration.ofSeconds(5), 3,
                    Backoff.DEFAULT, 10, Duration.ofSeconds(10), null);
        }
    }

    private final LaunchPlan plan;
    private final Config config;
    private final EngineProbe probe = new EngineProbe();
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private final List<ChildProcess> children = new ArrayList<>();
    private volatile State state = State.STARTING;
    private volatile boolean answering;
    private volatile String failure;
    private volatile Duration stopGrace = Duration.ofSeconds(15);
    private Thread thread;

    public ProcessSupervisor(LaunchPlan plan, Config config) {
        this.plan = plan;
        this.config = config;
    }

    /** Starts the plan on a background thread and returns at once; see {@link #state}. */
    public synchronized ProcessSupervisor start() {
        if (thread == null) thread = Thread.ofPlatform().name("hearth-supervisor").daemon().start(this::run);
        return this;
    }

    public State state() {
        return state;
    }

    /** Ready for traffic: every process alive and the engine's health URL answering. */
    public boolean ready() {
        return state == State.READY && answering;
    }

    public int restarts() {
        return restarts.get();
    }

    /** Why the last start or run failed (also while restarting). */
    public String failure() {
        return failure;
    }

    /** PIDs of the processes now running, helpers first (for tests and {@code /health} details). */
    public synchronized List<Long> pids() {
        return children.stream().filter(ChildProcess::alive).map(ChildProcess::pid).toList();
    }

    private void run() {
        int attempt = 0;
        while (!stopping()) {
            state = attempt == 0 ? State.STARTING : State.RESTARTING;
            long upSince;
            try {
                startAll();
                upSince = System.nanoTime();
                answering = true;
                state = State.READY;
                failure = null;
                LOG.info("{} ready at {}", plan.kind().flag(), plan.engineUrl());
                String why = watch();
                if (why == null) break;
                failure = why;
            } catch (StartFailure e) {
                failure = e.getMessage();
                upSince = System.nanoTime();
                LOG.error("starting {} failed: {}", plan.kind().flag(), e.getMessage());
            }
            answering = false;
            if (stopping()) break;
            state = State.RESTARTING;
            stopAll(config.restartStopGrace());
            if (Duration.ofNanos(System.nanoTime() - upSince).compareTo(config.backoff().stable()) > 0) attempt = 0;
            attempt++;
            if (config.maxRestarts() >= 0 && attempt > config.maxRestarts()) {
                LOG.error("{} failed {} times in a row; giving up: {}", plan.kind().flag(), attempt, failure);
                state = State.FAILED;
                return;
            }
            Duration delay = config.backoff().delay(attempt);
            restarts.incrementAndGet();
            LOG.warn("restarting {} in {} ms (restart {} in a row)", plan.kind().flag(), delay.toMillis(), attempt);
            if (sleep(delay)) break;
        }
        stopAll(stopGrace);
        state = State.STOPPED;
    }

    /** Blocks while everything runs; returns why it stopped running, or null when asked to stop. */
    private String watch() {
        List<CompletableFuture<?>> exits = new ArrayList<>();
        synchronized (this) {
            for (ChildProcess c : children) exits.add(c.onExit());
        }
        exits.add(stopSignal);
        CompletableFuture<Object> anyExit = CompletableFuture.anyOf(exits.toArray(CompletableFuture[]::new));
        int misses = 0;
        while (!stopping()) {
            try {
                anyExit.get(config.healthInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                misses = pollHealth(misses);
                continue;
            } catch (InterruptedException | ExecutionException e) {
                return "supervisor interrupted";
            }
            if (stopping()) return null;
            ChildProcess dead = firstDead();
            String why = dead.step.name() + (dead.step.remote() ? " on " + dead.step.node() : "") + " exited (" + dead.exitDescription() + ")";
            // the reason first: whoever sees "not ready" can ask why at once
            failure = why;
            state = State.RESTARTING;
            answering = false;
            LOG.error("{}: {} not ready; last output: {}", why, plan.kind().flag(), lastLines(dead));
            return why;
        }
        return null;
    }

    private int pollHealth(int misses) {
        URI health = plan.engine().flatMap(LaunchStep::health).orElseThrow();
        int status = probe.health(health, Duration.ofSeconds(2));
        if (status == 200) {
            if (!answering) LOG.info("{} answers its health check again: ready", plan.kind().flag());
            answering = true;
            return 0;
        }
        if (++misses == config.unhealthyAfter()) {
            answering = false;
            LOG.warn("{} health check failed {} times (last: {}): not ready until it answers", plan.kind().flag(), misses,
                    status == 0 ? "no answer" : "HTTP " + status);
        }
        return misses;
    }

    private synchronized ChildProcess firstDead() {
        return children.stream().filter(c -> !c.alive()).findFirst().orElse(children.getLast());
    }

    private void startAll() throws StartFailure {
        for (LaunchStep step : plan.steps()) {
            if (stopping()) throw new StartFailure("stopped while starting");
            ChildProcess child;
            try {
                child = ChildProcess.start(step, config.logDir());
            } catch (IOException e) {
                throw new StartFailure("cannot start " + step.name() + ": " + e.getMessage());
            }
            synchronized (this) {
                children.add(child);
            }
            if (step.ready().isPresent()) awaitPort(child, step.ready().get());
            if (step.health().isPresent()) awaitHealth(child, step.health().get());
        }
    }

    private void awaitPort(ChildProcess child, String endpoint) throws StartFailure {
        long deadline = System.nanoTime() + config.helperStartTimeout().toNanos();
        while (!EngineProbe.accepts(endpoint, Duration.ofSeconds(1))) {
            checkStarting(child, deadline, endpoint + " to accept connections");
            if (sleep(Duration.ofMillis(200))) throw new StartFailure("stopped while starting");
        }
    }

    private void awaitHealth(ChildProcess child, URI health) throws StartFailure {
        long deadline = System.nanoTime() + config.engineStartTimeout().toNanos();
        long pause = 100;
        int last;
        while ((last = probe.health(health, Duration.ofSeconds(2))) != 200) {
            checkStarting(child, deadline, health + " to answer 200 (last: " + (last == 0 ? "no answer" : "HTTP " + last) + ")");
            if (sleep(Duration.ofMillis(pause))) throw new StartFailure("stopped while starting");
            pause = Math.min(1000, pause * 2);
        }
    }

    private void checkStarting(ChildProcess child, long deadline, String waitingFor) throws StartFailure {
        if (!child.alive()) {
            throw new StartFailure(child.step.name() + " exited while starting (" + child.exitDescription() + "): " + lastLines(child));
        }
        synchronized (this) {
            for (ChildProcess c : children) {
                if (!c.alive()) throw new StartFailure(c.step.name() + " exited (" + c.exitDescription() + ") while " + child.step.name() + " was starting");
            }
        }
        if (System.nanoTime() > deadline) throw new StartFailure("gave up waiting for " + waitingFor);
    }

    private static String lastLines(ChildProcess c) {
        List<String> lines = c.lastLines();
        return lines.isEmpty() ? "(no output)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    /** Engine first (it holds the helpers' connections), then the helpers, all in parallel. */
    private void stopAll(Duration grace) {
        List<ChildProcess> all;
        synchronized (this) {
            all = new ArrayList<>(children);
            children.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).step.role() == LaunchStep.Role.ENGINE) all.remove(i).stop(grace);
        }
        List<Thread> stoppers = all.stream().map(c -> Thread.ofVirtual().start(() -> c.stop(grace))).toList();
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean stopping() {
        return stopSignal.isDone();
    }

    /** Sleeps up to {@code d}; true when woken by {@link #stop}. */
    private boolean sleep(Duration d) {
        try {
            stopSignal.get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException | ExecutionException e) {
            return true;
        }
    }

    /**
     * Stops everything: SIGTERM to the engine, up to {@code grace} for it to exit, then the helpers; returns when
     * all are gone (or were killed).
     */
    public void stop(Duration grace) {
        Thread t;
        synchronized (this) {
            stopGrace = grace;
            t = thread;
        }
        stopSignal.complete(null);
        if (t == null) {
            stopAll(grace);
            state = State.STOPPED;
            return;
        }
        try {
            // the supervisor thread stops the children; allow it the grace for the engine and for the helpers
            t.join(grace.multipliedBy(2).plusSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(stopGrace);
    }

    private static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message, null, false, false);
        }
    }
}
