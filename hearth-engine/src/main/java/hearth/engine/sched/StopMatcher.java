package hearth.engine.sched;

import hearth.engine.chat.parse.PartialMatch;
import java.util.List;

/**
 * Finds stop strings in streamed text, across token boundaries. Text that might be the start of a stop string is held
 * back until it is known not to be; the stop string itself and anything after it are never released.
 */
public final class StopMatcher {
    /** Text safe to emit now, and the stop string found (null if none). */
    public record Result(String emit, String stop) {}

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();

    public StopMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    public Result feed(String text) {
        if (stops.isEmpty()) return new Result(text, null);
        held.append(text);
        int best = -1;
        String found = null;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
                found = s;
            }
        }
        if (found != null) {
            String emit = held.substring(0, best);
            held.setLength(0);
            return new Result(emit, found);
        }
        int keep = PartialMatch.heldSuffix(held, stops);
        String emit = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Result(emit, null);
    }

    /** Releases what is held (the stream ended without a stop string). */
    public String flush() {
        String s = held.toString();
        held.setLength(0);
        return s;
    }
}
