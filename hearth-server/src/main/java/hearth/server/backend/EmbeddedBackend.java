package hearth.server.backend;

import hearth.engine.Engine;
import hearth.engine.EngineException;
import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.sched.EngineLoop;
import hearth.engine.sched.Sequence;
import hearth.engine.tokenizer.Tokenizer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine in this process. The model may load in the background ({@link #loading}): the HTTP port is up at once
 * and requests get 503 until {@link #state} is READY.
 */
public final class EmbeddedBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackend.class);
    private static final EngineLoop.Stats EMPTY = new EngineLoop.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final String modelId;
    private final CompletableFuture<Engine> engine = new CompletableFuture<>();
    private volatile State state = State.LOADING;
    private volatile String failure;
    private Callable<Engine> loader; // until startLoading

    private EmbeddedBackend(String modelId) {
        this.modelId = modelId;
    }

    /** A backend over an engine that is already loaded. */
    public static EmbeddedBackend of(String modelId, Engine engine) {
        EmbeddedBackend b = new EmbeddedBackend(modelId);
        b.ready(engine);
        return b;
    }

    /** A backend whose engine {@code loader} builds on a background thread, started now. */
    public static EmbeddedBackend loading(String modelId, Callable<Engine> loader) {
        EmbeddedBackend b = pending(modelId, loader);
        b.startLoading();
        return b;
    }

    /** A backend in state LOADING whose {@code loader} runs once {@link #startLoading} is called (after the port is up). */
    public static EmbeddedBackend pending(String modelId, Callable<Engine> loader) {
        EmbeddedBackend b = new EmbeddedBackend(modelId);
        b.loader = loader;
        return b;
    }

    /** Starts loading on a background thread; does nothing if it has started already or there is nothing to load. */
    public synchronized void startLoading() {
        Callable<Engine> l = loader;
        loader = null;
        if (l == null) return;
        Thread.ofPlatform().name("hearth-model-loader").daemon().start(() -> {
            try {
                ready(l.call());
            } catch (Throwable t) {
                LOG.error("loading model '{}' failed", modelId, t);
                failure = t.getMessage() == null ? t.toString() : t.getMessage();
                state = State.FAILED;
                engine.completeExceptionally(t);
            }
        });
    }

    private synchronized void ready(Engine e) {
        if (state == State.CLOSED) {
            e.close();
            return;
        }
        state = State.READY;  // before the future completes: whoever waits on loaded() must then see READY
        engine.complete(e);
    }

    /** Completes when the model is loaded (exceptionally when loading failed). */
    public CompletableFuture<Engine> loaded() {
        return engine;
    }

    private Engine engine() {
        return switch (state) {
            case READY -> engine.join();
            case LOADING -> throw new EngineException(EngineException.Kind.UNAVAILABLE, "Loading model");
            case FAILED -> throw new EngineException(EngineException.Kind.UNAVAILABLE, "the model failed to load: " + failure);
            case CLOSED -> throw new EngineException(EngineException.Kind.UNAVAILABLE, "the server is shutting down");
        };
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The model's tokenizer; like the engine methods below, UNAVAILABLE until the model is loaded. */
    public Tokenizer tokenizer() {
        return engine().tokenizer();
    }

    /** The Jinja chat template stored with the model, if any. */
    public Optional<String> chatTemplate() {
        return engine().chatTemplate();
    }

    /** Most tokens one sequence may hold (prompt + output). */
    public int contextSize() {
        return engine().contextSize();
    }

    /** Facts about the loaded model for {@code /v1/models}. */
    public ModelInfo info() {
        Engine e = engine();
        var c = e.config();
        return new ModelInfo(c.architecture(), c.vocabSize(), c.contextLength(), c.dim(), e.fileBytes(), e.contextSize());
    }

    /**
     * Queues generations that start together, request i to sink i (all or none: a refused one queues none); events
     * arrive on the engine thread (hand them off, don't block).
     */
    public List<Sequence> submitAll(List<GenerateRequest> requests, List<Consumer<Event>> sinks) {
        return engine().submitAll(requests, sinks);
    }

    @Override
    public EngineLoop.Stats stats() {
        return state == State.READY ? engine.join().stats() : EMPTY;
    }

    @Override
    public synchronized void close() {
        State was = state;
        state = State.CLOSED;
        if (was == State.READY) engine.join().close();
    }
}
