package hearth.server.backend;

import hearth.engine.sched.EngineLoop;
import hearth.server.backend.proxy.UpstreamClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code --backend openai}: forwards to an OpenAI-compatible server Hearth does not run (another node's
 * llama-server, a vLLM service, a cloud API). Ready while the upstream answers {@code GET /v1/models}.
 */
public final class ProxyBackend implements ForwardingBackend {
    private final String modelId;
    private final boolean pinsModel;
    private final UpstreamClient upstream;
    private final UpstreamWatch watch;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param modelId   the id Hearth reports
     * @param pinsModel true: requests must name {@code modelId}; false: they may name any model (the upstream decides)
     */
    public ProxyBackend(String modelId, boolean pinsModel, URI url, String apiKey, Duration headersTimeout) {
        this(modelId, pinsModel, url, apiKey, headersTimeout, Duration.ofSeconds(5));
    }

    /** @param watchInterval how often the upstream's {@code /v1/models} is asked (readiness, model list) */
    public ProxyBackend(String modelId, boolean pinsModel, URI url, String apiKey, Duration headersTimeout, Duration watchInterval) {
        this.modelId = modelId;
        this.pinsModel = pinsModel;
        this.upstream = new UpstreamClient(url, apiKey, headersTimeout);
        this.watch = new UpstreamWatch(upstream, List.of(modelId), watchInterval);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public State state() {
        if (closed) return State.CLOSED;
        return watch.answering() ? State.READY : State.LOADING;
    }

    @Override
    public Optional<String> failure() {
        return watch.answering() ? Optional.empty() : Optional.of("the upstream " + upstream.base() + " does not answer");
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
    }
}
