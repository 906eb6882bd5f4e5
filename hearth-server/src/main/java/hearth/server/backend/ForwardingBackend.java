package hearth.server.backend;

import hearth.server.backend.proxy.UpstreamClient;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that answers by forwarding requests to an OpenAI-compatible engine: Hearth's routes authenticate,
 * limit, count and log, the engine generates.
 */
public sealed interface ForwardingBackend extends Backend permits ProcessBackend, ProxyBackend {
    UpstreamClient upstream();

    /** The model ids the engine lists now ({@code /v1/models}, refreshed every few seconds); the alias until it answers. */
    List<String> models();

    /**
     * True when requests must name {@link #modelId} (one model behind the engine); false when the engine decides
     * (llama-server router mode, a remote API with many models).
     */
    boolean pinsModel();

    /** Requests being forwarded now (reported as running in the engine gauges). */
    AtomicInteger inFlight();
}
