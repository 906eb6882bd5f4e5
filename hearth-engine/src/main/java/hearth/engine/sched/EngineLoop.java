package hearth.engine.sched;

import hearth.engine.EngineException;
import hearth.engine.Event;
import hearth.engine.FinishReason;
import hearth.engine.GenerateRequest;
import hearth.engine.grammar.TokenIndex;
import hearth.engine.kv.BlockManager;
import hearth.engine.kv.KvCache;
import hearth.engine.kv.KvCacheType;
import hearth.engine.model.Model;
import hearth.engine.sample.Logprobs;
import hearth.engine.sample.Sampler;
import hearth.engine.tokenizer.StreamingDecoder;
import hearth.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one thread that drives a model: take new requests, schedule, run the model, sample, emit. A step is
 * {@code schedule → forward → sample → emit}; the thread blocks (never spins) when there is nothing to do.
 */
public final class EngineLoop implements AutoCloseable {
    /**
     * A snapshot of the loop's state for metrics; {@code kvCacheBytes} and the cache types describe the KV cache
     * (0 and null for engines outside this process).
     */
    public record Stats(int running, int waiting, int usedBlocks, int totalBlocks, int cachedBlocks, long prefixQueries,
                        long prefixHits, long preemptions, long steps, long kvCacheBytes, KvCacheType cacheTypeK,
                        KvCacheType cacheTypeV) {
        /** Counters of an engine whose KV cache is not known here. */
        public Stats(int running, int waiting, int usedBlocks, int totalBlocks, int cachedBlocks, long prefixQueries,
                     long prefixHits, long preemptions, long steps) {
            this(running, waiting, usedBlocks, totalBlocks, cachedBlocks, prefixQueries, prefixHits, preemptions, steps, 0, null, null);
        }
    }

    private final Model model;
    private final KvCache cache;
    private final BlockManager blocks;
    private final Tokenizer tokenizer;
    private final Scheduler scheduler;
    private final int contextSize;
    private final int queueSize;
    private final int vocab;
    private final LinkedBlockingQueue<Sequence> incoming = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Stats stats;
    private long steps;
    private float[] logits = new float[0];
    private final float[] row;
    private volatile TokenIndex tokenIndex; // built on the first request with a grammar

    public EngineLoop(String name, Model model, KvCache cache, BlockManager blocks, Tokenizer tokenizer,
                      int contextSize, int parallel, int maxBatchTokens, int queueSize, boolean prefixCache) {
        this.model = model;
        this.cache = cache;
        this.blocks = blocks;
        this.tokenizer = tokenizer;
        this.contextSize = contextSize;
        this.queueSize = queueSize;
        this.vocab = model.config().vocabSize();
        this.row = new float[vocab];
        this.scheduler = new Scheduler(blocks, parallel, Math.max(maxBatchTokens, parallel), prefixCache);
        this.stats = snapshot();
        this.thread = Thread.ofPlatform().name("hearth-engine-" + name).unstarted(this::run);
        thread.start();
    }

    public int contextSize() {
        return contextSize;
    }

    /**
     * Queues a request; events go to {@code sink} on the engine thread (keep it quick: hand off, don't block).
     * Throws {@link EngineException} when the prompt cannot fit or the queue is full.
     */
    public Sequence submit(GenerateRequest req, Consumer<Event> sink) {
        return submitAll(List.of(req), List.of(sink)).getFirst();
    }

    /**
     * Queues several requests, request i with sink i: all are checked and set up first, then queued one right after
     * the other, so the engine thread does not start the first one alone while the others are still being set up
     * (batched benchmarks measure steps that carry all of them). Throws like {@link #submit}, and then queues none.
     */
    public List<Sequence> submitAll(List<GenerateRequest> reqs, List<Consumer<Event>> sinks) {
        if (reqs.size() != sinks.size()) throw new IllegalArgumentException(reqs.size() + " requests but " + sinks.size() + " sinks");
        List<Sequence> seqs = new ArrayList<>(reqs.size());
        for (int i = 0; i < reqs.size(); i++) seqs.add(sequence(reqs.get(i), sinks.get(i)));
        Stats s = stats;
        if (s.waiting() + incoming.size() + reqs.size() > queueSize) {
            throw new EngineException(EngineException.Kind.QUEUE_FULL, "the queue is full (" + queueSize + " waiting requests)");
        }
        incoming.addAll(seqs);
        return seqs;
    }

    /** Checks a request and sets up its sequence (not queued yet). */
    private Sequence sequence(GenerateRequest req, Consumer<Event> sink) {
        if (closed) throw new EngineException(EngineException.Kind.UNAVAILABLE, "the engine is shutting down");
        int capacity = Math.min(contextSize, blocks.numBlocks() * blocks.blockSize());
        if (req.prompt().length >= capacity) {
            throw new EngineException(EngineException.Kind.TOO_LONG, "the prompt has " + req.prompt().length
                    + " tokens but the context holds " + capacity + " (prompt + at least 1 generated token)");
        }
        for (int t : req.prompt()) {
            if (t < 0 || t >= vocab) throw new EngineException(EngineException.Kind.INVALID, "token id " + t + " is outside the vocabulary (0.." + (vocab - 1) + ")");
        }
        var decoder = req.output().parses() ? new StreamingDecoder(tokenizer, true, false) : tokenizer.streamingDecoder();
        Sampler sampler = new Sampler(req.sampling(), vocab, req.sampling().grammar() != null ? tokenIndex() : null);
        return new Sequence(req, sink, blocks.blockSize(), sampler, decoder);
    }

    public Stats stats() {
        return stats;
    }

    /** The vocabulary as grammars see it; built once, on the calling thread, so the engine thread never waits for it. */
    public TokenIndex tokenIndex() {
        TokenIndex t = tokenIndex;
        if (t == null) {
            synchronized (this) {
                t = tokenIndex;
                if (t == null) tokenIndex = t = TokenIndex.of(tokenizer, vocab);
            }
        }
        return t;
    }

    private Stats snapshot() {
        long[] q = blocks.lookupStats();
        return new Stats(scheduler.running.size(), scheduler.waiting.size(), blocks.usedBlocks(), blocks.numBlocks(),
                blocks.cachedBlocks(), q[0], q[1], scheduler.preemptions(), steps, cache.byteSize(), cache.typeK(), cache.typeV());
    }

    private void run() {
        try {
            while (!closed) {
                if (!takeIncoming()) {
                    stats = snapshot();
                    continue;
                }
                dropCancelled();
                Step step = scheduler.schedule();
                if (step.isEmpty()) {
                    rejectUnfittable();
                    stats = snapshot();
                    continue;
                }
                try {
                    execute(step);
                } catch (RuntimeException | OutOfMemoryError e) {
                    failRunning(e);
                }
                steps++;
                stats = snapshot();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdown();
        }
    }

    /** Moves new requests into the scheduler, blocking while there is no work at all. False if woken for nothing. */
    private boolean takeIncoming() throws InterruptedException {
        if (!scheduler.hasWork()) {
            Sequence s = incoming.poll(1, TimeUnit.SECONDS);
            if (s == null) return false;
            admit(s);
        }
        Sequence s;
        while ((s = incoming.poll()) != null) admit(s);
        stats = snapshot();
        return true;
    }

    private void admit(Sequence s) {
        if (s.request.maxTokens() == 0) {
            s.finish(FinishReason.LENGTH, null);
            return;
        }
        scheduler.waiting.addLast(s);
    }

    private void dropCancelled() {
        for (Sequence s : new ArrayList<>(scheduler.running)) if (s.cancelled()) end(s, FinishReason.CANCELLED, null);
        for (Sequence s : new ArrayList<>(scheduler.waiting)) if (s.cancelled()) end(s, FinishReason.CANCELLED, null);
    }

    /** Nothing could be scheduled: with nothing running, the head of the queue can never fit the cache. */
    private void rejectUnfittable() {
        if (scheduler.running.isEmpty() && !scheduler.waiting.isEmpty()) {
            Sequence s = scheduler.waiting.pollFirst();
            s.status = Sequence.Status.FINISHED;
            s.sink.accept(new Event.Failed("the request does not fit the KV cache (" + blocks.numBlocks() * blocks.blockSize() + " tokens)"));
        }
    }

    private void execute(Step step) {
        var batch = step.batch();
        int n = batch.logitCount();
        if (logits.length < n * vocab) logits = new float[n * vocab];
        model.forward(batch, cache, logits);
        scheduler.completed(step);
        int i = 0;
        for (Step.Chunk c : step.chunks()) {
            if (c.wantsLogits()) sampleNext(c.seq(), i++ * vocab);
        }
    }

    private void sampleNext(Sequence s, int off) {
        System.arraycopy(logits, off, row, 0, vocab);
        int token = s.sampler.sample(row);
        if (token == Sampler.NO_TOKEN) { // the grammar allows nothing more (and the vocabulary has no end token)
            s.emitText(s.stopMatcher.feed(s.decoder.flush()).emit() + s.stopMatcher.flush());
            end(s, FinishReason.STOP, null);
            return;
        }
        int nTop = s.request.sampling().topLogprobs();
        Logprobs lp = nTop > 0 ? Logprobs.of(java.util.Arrays.copyOfRange(logits, off, off + vocab), vocab, token, nTop) : null;
        long now = System.nanoTime();
        if (s.firstTokenAt == 0) s.firstTokenAt = now;
        s.lastTokenAt = now;
        s.append(token);
        // a grammar's end is final even for ignore-EOS requests: nothing else may follow
        if ((!s.request.ignoreEos() || s.sampler.constrained()) && tokenizer.isEndOfGeneration(token)) {
            String rest = s.stopMatcher.feed(s.decoder.flush()).emit() + s.stopMatcher.flush();
            if (!rest.isEmpty() || lp != null) s.emit(rest, token, lp);
            end(s, FinishReason.STOP, null);
            return;
        }
        StopMatcher.Result r = s.stopMatcher.feed(s.decoder.accept(token));
        if (r.stop() != null) {
            s.emit(r.emit(), token, lp);
            end(s, FinishReason.STOP, r.stop());
            return;
        }
        boolean limit = s.generated() >= s.request.maxTokens() || s.length >= contextSize;
        // a complete sentence that nothing may extend ends here, without spending a step on the end token
        boolean complete = s.sampler.constrained() && s.sampler.constraint().complete();
        String text = r.emit();
        if (limit || complete) text += s.stopMatcher.feed(s.decoder.flush()).emit() + s.stopMatcher.flush();
        s.emit(text, token, lp);
        if (complete) end(s, FinishReason.STOP, null);
        else if (limit) end(s, FinishReason.LENGTH, null);
    }

    private void end(Sequence s, FinishReason reason, String stop) {
        scheduler.remove(s);
        s.finish(reason, stop);
    }

    private void failRunning(Throwable e) {
        String msg = "engine step failed: " + e;
        for (Sequence s : List.copyOf(scheduler.running)) {
            scheduler.remove(s);
            s.status = Sequence.Status.FINISHED;
            s.sink.accept(new Event.Failed(msg));
        }
    }

    private void shutdown() {
        List<Sequence> all = new ArrayList<>(scheduler.running);
        all.addAll(scheduler.waiting);
        incoming.drainTo(all);
        for (Sequence s : all) {
            scheduler.remove(s);
            if (s.status != Sequence.Status.FINISHED) s.finish(FinishReason.CANCELLED, null);
        }
    }

    /** Stops the loop; unfinished sequences end with CANCELLED. Waits for the thread. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
