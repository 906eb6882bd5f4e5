package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.sched.Sequence;
import hearth.server.backend.EmbeddedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The engine sequences of one API call (n choices × prompts). The engine thread only appends events to an unbounded
 * queue (never blocking on a slow client); the request's virtual thread takes them in order.
 */
final class Generation {
    /** An event of choice {@code choice}, stamped when the engine emitted it. */
    record Item(int choice, Event event, long nanos) {}

    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final List<Sequence> sequences = new ArrayList<>();

    private Generation() {}

    /** Submits every request together; if one is refused (queue full, too long) none is queued. */
    static Generation start(EmbeddedBackend backend, List<GenerateRequest> requests) {
        Generation g = new Generation();
        List<Consumer<Event>> sinks = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            int choice = i;
            sinks.add(e -> g.queue.add(new Item(choice, e, System.nanoTime())));
        }
        g.sequences.addAll(backend.submitAll(requests, sinks));
        return g;
    }

    Item take() throws InterruptedException {
        return queue.take();
    }

    /** Stops every sequence; the engine frees their KV blocks within one step. */
    void cancel() {
        for (Sequence s : sequences) s.cancel();
    }
}
