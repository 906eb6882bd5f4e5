package hearth.engine.ops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * A fixed set of compute threads that split index ranges among themselves. The calling thread takes part in the
 * work; idle workers park (no spinning: on 2 cores a spinning thread halves the other one's speed).
 * One parallel section runs at a time per pool; sections from different threads are serialised.
 */
public final class WorkerPool implements AutoCloseable {
    /** Body of a parallel section: processes chunk {@code chunk} of {@code chunks}. */
    @FunctionalInterface
    public interface Chunked {
        void run(int chunk, int chunks);
    }

    /** One parallel section. Each has its own counters so that a worker late from an earlier job cannot take its chunks. */
    private static final class Job {
        final Chunked body;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(Chunked body, int chunks, Thread caller) {
            this.body = body;
            this.chunks = chunks;
            this.caller = caller;
            this.pending = new AtomicInteger(chunks);
        }

        void drain() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    body.run(c, chunks);
                } catch (Throwable t) {
                    failure = t;
                }
                if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    private volatile Job job;
    private volatile boolean closed;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("hearth-compute-" + (i + 1)).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} for chunks 0..chunks-1 spread over the pool; returns when all are done. */
    public synchronized void run(int chunks, Chunked body) {
        if (chunks <= 0) return;
        if (threads == 1 || chunks == 1) {
            for (int c = 0; c < chunks; c++) body.run(c, chunks);
            return;
        }
        Job j = new Job(body, chunks, Thread.currentThread());
        job = j;
        for (Thread w : workers) LockSupport.unpark(w);
        j.drain();
        while (j.pending.get() > 0) LockSupport.park(this);
        job = null;
        Throwable f = j.failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new RuntimeException(f);
    }

    /** Splits [0, n) into contiguous ranges and runs {@code body(from, to)} for each in parallel. */
    public void parallelFor(int n, int minPerChunk, BiConsumer<Integer, Integer> body) {
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, minPerChunk)));
        if (chunks == 1) {
            body.accept(0, n);
            return;
        }
        run(chunks, (c, cs) -> body.accept((int) ((long) n * c / cs), (int) ((long) n * (c + 1) / cs)));
    }

    private void workerLoop() {
        Job seen = null;
        while (!closed) {
            Job j = job;
            if (j != null && j != seen) {
                seen = j;
                j.drain();
            } else {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
