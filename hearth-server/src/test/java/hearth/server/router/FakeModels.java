package hearth.server.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A router over stand-in models: loads are counted, can be held at a gate, can fail; sizes are set per model. */
final class FakeModels {
    /** A "loaded model": knows whether it was closed. */
    static final class Model implements AutoCloseable {
        final String id;
        volatile boolean closed;

        Model(String id) {
            this.id = id;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    final Path dir;
    final List<String> loads = new CopyOnWriteArrayList<>();
    final List<Model> opened = new CopyOnWriteArrayList<>();
    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    final Map<String, String> failures = new ConcurrentHashMap<>();
    final Map<String, Long> sizes = new ConcurrentHashMap<>();

    FakeModels(Path dir, String... ids) throws IOException {
        this.dir = dir;
        for (String id : ids) Ggufs.write(dir, id + ".gguf");
    }

    ModelRouter<Model> router(RouterLimits limits) {
        return new ModelRouter<>(this::scan, this::load, e -> new MemoryEstimate(sizes.getOrDefault(e.id(), 100L), 0), limits);
    }

    ModelCatalog scan() {
        try {
            return ModelCatalog.scan(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next loads of {@code id} wait until {@link #open} is called. */
    void hold(String id) {
        gates.put(id, new CountDownLatch(1));
    }

    void open(String id) {
        gates.remove(id).countDown();
    }

    private Model load(CatalogEntry e) throws Exception {
        loads.add(e.id());
        CountDownLatch gate = gates.get(e.id());
        if (gate != null && !gate.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("test gate never opened");
        String failure = failures.get(e.id());
        if (failure != null) throw new IOException(failure);
        Model m = new Model(e.id());
        opened.add(m);
        return m;
    }

    Model last(String id) {
        return opened.reversed().stream().filter(m -> m.id.equals(id)).findFirst().orElseThrow();
    }

    static ModelRouter.State state(ModelRouter<?> r, String id) {
        return r.statuses().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().state();
    }

    /** Polls (sleeping) until {@code cond} holds or 5 s pass. */
    static void await(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not reached in 5 s");
            Thread.sleep(10);
        }
    }
}
