package hearth.bench.dataset;

import java.util.Map;

/** Where the requests come from. Implementations are thread-safe and never run out (file datasets cycle). */
public interface Workload {
    /** A fresh conversation; deterministic for a given seed and call order. */
    Conversation nextConversation();

    /** Short human description, e.g. {@code random prompt 100:200 output 128}. */
    String describe();

    /** The dataset's parameters as they go into the JSON result. */
    Map<String, Object> parameters();
}
