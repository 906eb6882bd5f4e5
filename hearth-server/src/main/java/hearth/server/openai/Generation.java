package hearth.server.openai;

import hearth.engine.Event;
import hearth.engine.GenerateRequest;
import hearth.engine.sched.Sequence;
import hearth.server.backend.EmbeddedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

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

    /** Submits every request; if one is refused (queue full, too long) the ones already queued are cancelled. */
    static Generation start(EmbeddedBackend backend, List<GenerateRequest> requests) {
        Generation g = new Generation();
        try {
            for (int i = 0; i < requests.size(); i++) {
                int choice = i;
                g.sequences.add(backend.submit(requests.get(i), e -> g.queue.add(new Item(choice, e, System.nanoTime()))));
            }
        } catch (RuntimeException e) {
            g.cancel();
            throw e;
        }
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
