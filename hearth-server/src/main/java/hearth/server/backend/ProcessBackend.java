package hearth.server.backend;

import hearth.engine.sched.EngineLoop;
import hearth.server.backend.launch.LaunchPlan;
import hearth.server.backend.proxy.UpstreamClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine Hearth starts and supervises ({@link ProcessSupervisor}) and forwards to: ready while every process
 * of its plan runs and the engine answers its health check; closing stops the engine (SIGTERM, then its grace).
 */
public final class ProcessBackend implements ForwardingBackend {
    private final String modelId;
    private final boolean pinsModel;
    private final ProcessSupervisor supervisor;
    private final UpstreamClient upstream;
    private final UpstreamWatch watch;
    private final Duration stopGrace;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param pinsModel false for llama-server's router mode, where the engine chooses the model per request
     * @param stopGrace how long the engine may take to exit after SIGTERM on close
     */
    public ProcessBackend(String modelId, boolean pinsModel, LaunchPlan plan, ProcessSupervisor.Config config,
                          Duration headersTimeout, Duration stopGrace) {
        this.modelId = modelId;
        this.pinsModel = pinsModel;
        this.stopGrace = stopGrace;
        this.supervisor = new ProcessSupervisor(plan, config);
        this.upstream = new UpstreamClient(plan.engineUrl(), null, headersTimeout);
        this.watch = new UpstreamWatch(upstream, pinsModel ? List.of(modelId) : List.of(), Duration.ofSeconds(5));
    }

    /** Starts the processes in the background; {@link #state} is LOADING until the engine is ready. */
    public ProcessBackend start() {
        supervisor.start();
        return this;
    }

    public ProcessSupervisor supervisor() {
        return supervisor;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public State state() {
        if (closed) return State.CLOSED;
        return switch (supervisor.state()) {
            case READY -> supervisor.ready() ? State.READY : State.LOADING;
            case STARTING, RESTARTING -> State.LOADING;
            case FAILED -> State.FAILED;
            case STOPPED -> State.CLOSED;
        };
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(supervisor.failure());
    }

    @Override
    public EngineLoop.Stats stats() {
        return new EngineLoop.Stats(inFlight.get(), 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public UpstreamClient upstream() {
        return upstream;
    }

    @Override
    public List<String> models() {
        return watch.models();
    }

    @Override
    public boolean pinsModel() {
        return pinsModel;
    }

    @Override
    public AtomicInteger inFlight() {
        return inFlight;
    }

    @Override
    public void close() {
        closed = true;
        watch.close();
        supervisor.stop(stopGrace);
    }
}
