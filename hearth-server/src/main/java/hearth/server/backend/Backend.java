package hearth.server.backend;

import hearth.engine.sched.EngineLoop;
import java.util.Optional;

/**
 * What serves a model behind the HTTP API. {@link EmbeddedBackend} runs Hearth's engine in this process; the
 * others forward requests to an OpenAI-compatible engine: {@link ProcessBackend} to one Hearth starts and
 * supervises (llama-server, vLLM, SGLang), {@link ProxyBackend} to one that runs elsewhere. The route table
 * switches over these cases.
 */
public sealed interface Backend extends AutoCloseable permits EmbeddedBackend, ForwardingBackend {
    enum State { LOADING, READY, FAILED, CLOSED }

    /** The id clients use in {@code model}. */
    String modelId();

    State state();

    /** Why loading failed, when {@link #state} is FAILED; for a restarting engine, why it stopped. */
    Optional<String> failure();

    /** Scheduler and cache counters; all zero while loading. */
    EngineLoop.Stats stats();

    /** Stops the engine; unfinished generations end CANCELLED. */
    @Override
    void close();

    /** Model facts in llama-server's {@code meta} shape. */
    record ModelInfo(String architecture, int vocabSize, int trainedContext, int embeddingLength, long fileBytes, int contextSize) {}
}
