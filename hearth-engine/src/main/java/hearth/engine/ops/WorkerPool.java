package hearth.engine.ops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of compute threads that split index ranges among themselves. The calling thread takes part in the
 * work. Each parallel section is a fresh {@link Job} with its own counters, so a worker that wakes late can only
 * find an exhausted job, never run one section's body with another's chunks.
 *
 * <p>Waiting: a thread that runs out of work first polls for a short, bounded time ({@code spinNanos}, default
 * 20 µs) and then parks. Decode issues mat-vecs back to back, a few microseconds apart, and waking a parked thread
 * costs tens of microseconds on a VM; the bounded poll hides that, and idle workers still end up parked (no
 * sustained spinning: on 2 shared cores a spinning thread would halve the other one's speed).
 * One parallel section runs at a time per pool; sections from different threads are serialised.
 */
public final class WorkerPool implements AutoCloseable {
    /** Body of a parallel section: processes chunk {@code chunk} of {@code chunks}. */
    @FunctionalInterface
    public interface Chunked {
        void run(int chunk, int chunks);
    }

    /** Default bounded poll before parking, in nanoseconds ({@code -Dhearth.pool.spinMicros=N} overrides). */
    static final long DEFAULT_SPIN_NANOS = Long.getLong("hearth.pool.spinMicros", 20) * 1000;

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

        /** Claims and runs chunks until none are left. */
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
    private final long spinNanos;
    private final Thread[] workers;
    private volatile Job current;
    private volatile boolean closed;

    public WorkerPool(int threads) {
        this(threads, DEFAULT_SPIN_NANOS);
    }

    /** @param spinNanos how long a thread out of work polls before parking (0: park at once) */
    public WorkerPool(int threads, long spinNanos) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.spinNanos = Math.max(0, spinNanos);
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
        if (closed) throw new IllegalStateException("worker pool is closed");
        if (threads == 1 || chunks == 1) {
            for (int c = 0; c < chunks; c++) body.run(c, chunks);
            return;
        }
        Job job = new Job(body, chunks, Thread.currentThread());
        current = job;
        for (Thread w : workers) LockSupport.unpark(w);
        job.drain();
        awaitDone(job);
        current = null;
        Throwable f = job.failure;
        if (f != null) {
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
            throw new RuntimeException(f);
        }
    }

    private void awaitDone(Job job) {
        long deadline = System.nanoTime() + spinNanos;
        while (job.pending.get() > 0) {
            if (spinNanos > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            else LockSupport.park(this);
        }
    }

    /** Splits [0, n) into contiguous ranges, one per chunk, and runs {@code body(from, to)} for each in parallel. */
    public void parallelFor(int n, int minPerChunk, java.util.function.BiConsumer<Integer, Integer> body) {
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, minPerChunk)));
        if (chunks == 1) {
            body.accept(0, n);
            return;
        }
        run(chunks, (c, cs) -> body.accept((int) ((long) n * c / cs), (int) ((long) n * (c + 1) / cs)));
    }

    private void workerLoop() {
        Job seen = null;
        long deadline = 0;
        while (!closed) {
            Job job = current;
            if (job != null && job != seen) {
                seen = job;
                job.drain();
                deadline = System.nanoTime() + spinNanos;
            } else if (System.nanoTime() < deadline) {
                Thread.onSpinWait(); // bounded: right after a job, the next one usually follows within microseconds
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
