package hearth.server.backend;

import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.sched.EngineLoop;
import hearth.engine.sched.Sequence;
import hearth.engine.tokenizer.Tokenizer;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where generations run. The server holds one backend per model; {@link EmbeddedBackend} runs the engine in this
 * process (child-process and proxy backends come later). Every method but {@link #state}, {@link #modelId} and
 * {@link #close} throws {@link hearth.engine.EngineException} of kind UNAVAILABLE until the model is loaded.
 */
public sealed interface Backend extends AutoCloseable permits EmbeddedBackend {
    enum State { LOADING, READY, FAILED, CLOSED }

    /** The id clients use in {@code model}. */
    String modelId();

    State state();

    /** Why loading failed, when {@link #state} is FAILED. */
    Optional<String> failure();

    Tokenizer tokenizer();

    /** The Jinja chat template stored with the model, if any. */
    Optional<String> chatTemplate();

    /** Most tokens one sequence may hold (prompt + output). */
    int contextSize();

    /** Facts about the loaded model for {@code /v1/models}. */
    ModelInfo info();

    /** Queues a generation; events arrive on the engine thread (hand them off, don't block). */
    Sequence submit(GenerateRequest request, Consumer<Event> sink);

    /** Scheduler and cache counters; all zero while loading. */
    EngineLoop.Stats stats();

    /** Stops the engine; unfinished generations end CANCELLED. */
    @Override
    void close();

    /** Model facts in llama-server's {@code meta} shape. */
    record ModelInfo(String architecture, int vocabSize, int trainedContext, int embeddingLength, long fileBytes, int contextSize) {}
}
