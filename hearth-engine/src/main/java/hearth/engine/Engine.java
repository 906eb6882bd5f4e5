package hearth.engine;

import hearth.engine.gguf.GgufFile;
import hearth.engine.kv.BlockManager;
import hearth.engine.kv.KvCache;
import hearth.engine.model.Architectures;
import hearth.engine.model.Model;
import hearth.engine.model.ModelConfig;
import hearth.engine.ops.WorkerPool;
import hearth.engine.quant.Kernels;
import hearth.engine.sched.EngineLoop;
import hearth.engine.sched.Sequence;
import hearth.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A loaded model ready to generate: file, tokenizer, weights, KV cache, compute pool and the engine loop thread.
 * This is the engine's public surface; it knows nothing of HTTP.
 */
public final class Engine implements AutoCloseable {
    private final String name;
    private final GgufFile file;
    private final Model model;
    private final Tokenizer tokenizer;
    private final WorkerPool pool;
    private final KvCache cache;
    private final EngineLoop loop;
    private final Optional<String> chatTemplate;
    private final long loadNanos;
    private WarmUp.Report warmUp;

    private Engine(String name, GgufFile file, Model model, Tokenizer tokenizer, WorkerPool pool, EngineConfig cfg,
                   Optional<String> chatTemplate, long started) {
        this.name = name;
        this.file = file;
        this.model = model;
        this.tokenizer = tokenizer;
        this.pool = pool;
        this.chatTemplate = chatTemplate;
        int ctx = cfg.contextSize() > 0 ? cfg.contextSize() : Math.min(model.config().contextLength(), 4096);
        int bs = cfg.blockSize();
        int kvTokens = cfg.kvCacheTokens() > 0 ? cfg.kvCacheTokens() : ctx * Math.max(1, cfg.parallel());
        int numBlocks = (kvTokens + bs - 1) / bs;
        this.cache = model.newCache(numBlocks * bs, cfg.cacheTypeK(), cfg.cacheTypeV());
        this.loop = new EngineLoop(name, model, cache, new BlockManager(numBlocks, bs), tokenizer, ctx,
                Math.max(1, cfg.parallel()), cfg.maxBatchTokens(), cfg.queueSize(), cfg.prefixCache());
        this.loadNanos = System.nanoTime() - started;
    }

    /** Longest a warm-up at load may take ({@link EngineConfig#warmUp}). */
    static final java.time.Duration WARM_UP_BUDGET = java.time.Duration.ofSeconds(60);

    /**
     * Opens the GGUF file (mmap; weights are not copied), builds the tokenizer and model, and starts the loop; with
     * {@link EngineConfig#warmUp}, then runs the model until its kernels are compiled ({@link #warmUpReport}).
     */
    public static Engine load(EngineConfig cfg) throws IOException {
        long started = System.nanoTime();
        GgufFile file = GgufFile.open(cfg.model());
        WorkerPool pool = new WorkerPool(Math.max(1, cfg.threads()));
        Engine engine;
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            Model model = Architectures.load(file, pool);
            String name = cfg.model().getFileName().toString().replaceFirst("\\.gguf$", "");
            engine = new Engine(name, file, model, tokenizer, pool, cfg, file.metadata().string("tokenizer.chat_template"), started);
        } catch (RuntimeException e) {
            pool.close();
            file.close();
            throw e;
        }
        if (cfg.warmUp()) {
            try {
                engine.warmUp = WarmUp.run(engine.model, engine.cache.typeK(), engine.cache.typeV(), WARM_UP_BUDGET);
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
        }
        return engine;
    }

    /** An engine over an already-built model (e.g. the mock model); closes model and pool on close. */
    public static Engine of(String name, Model model, Tokenizer tokenizer, WorkerPool pool, EngineConfig cfg, Optional<String> chatTemplate) {
        return new Engine(name, null, model, tokenizer, pool, cfg, chatTemplate, System.nanoTime());
    }

    public String name() {
        return name;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ModelConfig config() {
        return model.config();
    }

    public Optional<String> chatTemplate() {
        return chatTemplate;
    }

    public int contextSize() {
        return loop.contextSize();
    }

    public long fileBytes() {
        return model.fileBytes();
    }

    /** Number of weights in the model file (0 for models without a file). */
    public long parameterCount() {
        return file == null ? 0 : file.parameterCount();
    }

    /** One-line summary of the model file (architecture, tensor types, size). */
    public String describe() {
        return file == null ? name : file.describe();
    }

    public long kvCacheBytes() {
        return cache.byteSize();
    }

    public long loadNanos() {
        return loadNanos;
    }

    public EngineLoop.Stats stats() {
        return loop.stats();
    }

    /** The warm-up run at load, if the configuration asked for one. */
    public Optional<WarmUp.Report> warmUpReport() {
        return Optional.ofNullable(warmUp);
    }

    /** Queues a generation; events arrive on the engine thread. See {@link EngineLoop#submit}. */
    public Sequence submit(GenerateRequest request, Consumer<Event> sink) {
        return loop.submit(request, sink);
    }

    /** Queues several generations that start together (request i to sink i). See {@link EngineLoop#submitAll}. */
    public List<Sequence> submitAll(List<GenerateRequest> requests, List<Consumer<Event>> sinks) {
        return loop.submitAll(requests, sinks);
    }

    /** The full result of a generation. */
    public record Result(String text, List<Integer> tokens, List<hearth.engine.sample.Logprobs> logprobs, Event.Done done) {}

    /** Runs a generation to the end (convenience for the CLI and tests). */
    public Result generate(GenerateRequest request, Consumer<Event.Token> onToken) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        List<Integer> tokens = new ArrayList<>();
        List<hearth.engine.sample.Logprobs> logprobs = new ArrayList<>();
        submit(request, e -> {
            switch (e) {
                case Event.Token t -> {
                    text.append(t.text());
                    for (int id : t.tokens()) tokens.add(id);
                    logprobs.addAll(t.logprobs());
                    if (onToken != null) onToken.accept(t);
                }
                case Event.Done d -> result.complete(new Result(text.toString(), tokens, logprobs, d));
                case Event.Failed f -> result.completeExceptionally(new EngineException(EngineException.Kind.INVALID, f.message()));
            }
        });
        return result.join();
    }

    @Override
    public void close() {
        loop.close();
        model.close();
        cache.close();
        pool.close();
        if (file != null) file.close();
        Kernels.releaseClosedWeights();
    }
}
