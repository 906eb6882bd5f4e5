package hearth.bench;

import hearth.bench.dataset.Conversation;
import hearth.bench.dataset.Turn;
import hearth.bench.dataset.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one load point: clients on virtual threads, each request blocking on its own thread (no polling), so the
 * generator costs little CPU next to the server it measures. The run is bounded: no request starts after
 * {@code numPrompts} have been started or {@code duration} has passed; requests in flight then get {@code drain}
 * to finish and are cancelled after it; every request is also bounded by {@code requestTimeout}. A run whose
 * latest requests all failed because the server is unreachable or refuses the key stops early and says why.
 */
public final class BenchRunner {
    private final StreamClient client;
    private final Workload workload;
    private final BenchConfig cfg;
    private final Progress progress;
    private final long seed;

    public BenchRunner(StreamClient client, Workload workload, BenchConfig cfg, Progress progress, long seed) {
        this.client = client;
        this.workload = workload;
        this.cfg = cfg;
        this.progress = progress;
        this.seed = seed;
    }

    /** The measured run at one load point. */
    public RunData run(LoadShape shape) throws InterruptedException {
        long deadline = cfg.duration() == null ? Long.MAX_VALUE : System.nanoTime() + cfg.duration().toNanos();
        return new Run(shape, cfg.numPrompts() == 0 ? Long.MAX_VALUE : cfg.numPrompts(), deadline, shape.describe()).go();
    }

    /** {@code cfg.warmup()} requests at the point's concurrency (at most 4 at once for open loops), not measured. */
    public RunData warmup(LoadShape shape) throws InterruptedException {
        int c = shape instanceof LoadShape.Closed cl ? cl.concurrency() : 4;
        LoadShape closed = new LoadShape.Closed(Math.max(1, Math.min(c, cfg.warmup())));
        return new Run(closed, cfg.warmup(), Long.MAX_VALUE, "warmup").go();
    }

    private final class Run {
        private final LoadShape shape;
        private final long dispatchDeadline;
        private final String label;
        private final long total;
        private final AtomicLong tickets;
        private final ConcurrentLinkedQueue<RequestResult> results = new ConcurrentLinkedQueue<>();
        private final Set<Inflight> inflight = ConcurrentHashMap.newKeySet();
        private final AtomicInteger active = new AtomicInteger();
        private final AtomicInteger maxActive = new AtomicInteger();
        private final AtomicInteger conversations = new AtomicInteger();
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong outputTokens = new AtomicLong();
        private final int fatalLimit;
        private int fatalStreak; // guarded by this
        private volatile String stopReason;
        private volatile boolean hardStopped;
        private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-watchdog");
            t.setDaemon(true);
            return t;
        });
        private long start;

        Run(LoadShape shape, long total, long dispatchDeadline, String label) {
            this.shape = shape;
            this.total = total;
            this.tickets = new AtomicLong(total);
            this.dispatchDeadline = dispatchDeadline;
            this.label = label;
            int c = switch (shape) {
                case LoadShape.Closed cl -> cl.concurrency();
                case LoadShape.Poisson p -> p.maxConcurrency();
            };
            this.fatalLimit = Math.max(10, 2 * c);
        }

        RunData go() throws InterruptedException {
            progress.start(label, total == Long.MAX_VALUE ? -1 : total);
            List<Thread> workers = new ArrayList<>();
            start = System.nanoTime();
            try {
                switch (shape) {
                    case LoadShape.Closed c -> {
                        for (int i = 0; i < c.concurrency(); i++) workers.add(Thread.ofVirtual().name("bench-client-" + i).start(this::closedClient));
                    }
                    case LoadShape.Poisson p -> dispatch(p, workers);
                }
                long hard = dispatchDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : dispatchDeadline + cfg.drain().toNanos();
                for (Thread t : workers) {
                    long left = hard - System.nanoTime();
                    if (hard == Long.MAX_VALUE) t.join();
                    else if (left > 0) t.join(java.time.Duration.ofNanos(left));
                }
                if (workers.stream().anyMatch(Thread::isAlive)) {
                    hardStop();
                    for (Thread t : workers) t.join(java.time.Duration.ofSeconds(10));
                }
            } finally {
                watchdog.shutdownNow();
                progress.finish();
            }
            long end = System.nanoTime();
            return new RunData(shape, new ArrayList<>(results), start, end, maxActive.get(), stopReason);
        }

        /** Stops everything now: nothing new starts and requests in flight are cancelled. */
        private void hardStop() {
            hardStopped = true;
            for (Inflight h : inflight) h.abort(Inflight.Reason.CANCELLED);
        }

        private boolean takeTicket() {
            if (stopReason != null || hardStopped || System.nanoTime() >= dispatchDeadline) return false;
            return tickets.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }

        private void closedClient() {
            while (takeTicket()) {
                if (!conversation(workload.nextConversation(), conversations.getAndIncrement(), true)) return;
            }
        }

        private void dispatch(LoadShape.Poisson p, List<Thread> workers) throws InterruptedException {
            SplittableRandom arrivals = new SplittableRandom(seed ^ 0xA5A5A5A5L);
            Semaphore slots = p.maxConcurrency() > 0 ? new Semaphore(p.maxConcurrency()) : null;
            long next = start;
            while (takeTicket()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    long until = Math.min(next, dispatchDeadline);
                    long sleep = until - System.nanoTime();
                    if (sleep > 0) Thread.sleep(java.time.Duration.ofNanos(sleep));
                    if (System.nanoTime() >= dispatchDeadline || stopReason != null) break;
                }
                if (slots != null) {
                    long left = dispatchDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : dispatchDeadline - System.nanoTime();
                    if (!slots.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) break;
                }
                Conversation conv = workload.nextConversation();
                int idx = conversations.getAndIncrement();
                workers.add(Thread.ofVirtual().name("bench-arrival-" + idx).start(() -> {
                    try {
                        conversation(conv, idx, true);
                    } finally {
                        if (slots != null) slots.release();
                    }
                }));
                next += p.nextGapNanos(arrivals);
            }
        }

        /** Runs a conversation's turns in order; false when the run is over. */
        private boolean conversation(Conversation conv, int idx, boolean firstTicketHeld) {
            String reply = null;
            for (int turn = 0; ; turn++) {
                Turn t = conv.next(reply);
                if (t == null) return true;
                if (turn > 0) {
                    if (!cfg.thinkTime().isZero()) {
                        try {
                            Thread.sleep(cfg.thinkTime());
                        } catch (InterruptedException e) {
                            return false;
                        }
                    }
                    if (!takeTicket()) return false;
                } else if (!firstTicketHeld && !takeTicket()) {
                    return false;
                }
                StreamClient.Outcome o = one(t, idx, turn);
                if (o == null) return false;
                reply = o.reply();
                if (stopReason != null || hardStopped) return false;
            }
        }

        private StreamClient.Outcome one(Turn t, int conv, int turn) {
            Inflight h = Inflight.current();
            inflight.add(h);
            if (hardStopped) { // the stop raced with this start: do not send
                inflight.remove(h);
                h.finish();
                return null;
            }
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            ScheduledFuture<?> dog = watchdog.schedule(() -> h.abort(Inflight.Reason.TIMEOUT),
                    cfg.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
            StreamClient.Outcome o;
            try {
                o = client.send(t, conv, turn, h);
            } finally {
                dog.cancel(false);
                h.finish();
                inflight.remove(h);
                active.decrementAndGet();
            }
            record(o.result());
            return o;
        }

        private void record(RequestResult r) {
            results.add(r);
            if (r.cancelled()) return;
            done.incrementAndGet();
            if (r.error() != null) errors.incrementAndGet();
            else outputTokens.addAndGet(r.outputTokens());
            progress.update(done.get(), errors.get(), outputTokens.get(), (System.nanoTime() - start) / 1e9);
            synchronized (this) {
                fatalStreak = r.error() != null && r.error().kind().fatal() ? fatalStreak + 1 : 0;
                if (fatalStreak >= fatalLimit && stopReason == null) {
                    stopReason = "the last " + fatalStreak + " requests failed: " + r.error();
                }
            }
        }
    }
}
