package hearth.server.backend.proxy;

import hearth.engine.sched.EngineLoop;
import hearth.server.backend.Backend;
import hearth.server.backend.ForwardingBackend;
import hearth.server.openai.ModelSource;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ForwardingBackend} where the server asks for its models: state and failure for the probes, counters
 * for the metrics, close on shutdown. Requests never open it: {@link ProxyRoutes} forwards them to the engine.
 */
public final class ForwardedModel implements ModelSource {
    private final ForwardingBackend backend;

    public ForwardedModel(ForwardingBackend backend) {
        this.backend = backend;
    }

    public ForwardingBackend backend() {
        return backend;
    }

    /** Not used: the forwarding route table has no engine handlers that would ask for services. */
    @Override
    public Scope open(String requested) {
        throw new IllegalStateException("requests to " + backend.modelId() + " are forwarded to its engine");
    }

    @Override
    public Backend.State state() {
        return backend.state();
    }

    @Override
    public Optional<String> failure() {
        return backend.failure();
    }

    @Override
    public Map<String, EngineLoop.Stats> stats() {
        return Map.of(backend.modelId(), backend.stats());
    }

    @Override
    public String defaultId() {
        return backend.modelId();
    }

    @Override
    public void close() {
        backend.close();
    }
}
