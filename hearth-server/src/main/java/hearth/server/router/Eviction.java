package hearth.server.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The eviction rule of router mode, as a pure function: which loaded models to unload so that one more fits under
 * {@code --models-memory} and {@code --models-max}. Only idle models go (no request in flight, not loading, not
 * pinned), least recently used first, and no more of them than needed.
 */
public final class Eviction {
    private Eviction() {}

    /**
     * A model that holds memory now.
     *
     * @param lastUsedNanos {@link System#nanoTime} of its last request's end (or of its load)
     * @param busy          requests are in flight or waiting for it
     * @param loading       still loading (its memory is reserved, it cannot go)
     */
    public record Resident(String id, long bytes, long lastUsedNanos, boolean busy, boolean loading, boolean pinned) {
        boolean evictable() {
            return !busy && !loading && !pinned;
        }
    }

    /** What to do before loading. */
    public sealed interface Plan permits Evict, Wait, Never {}

    /** Unload these (possibly none), in this order, then load. */
    public record Evict(List<String> ids) implements Plan {}

    /** Not now: models that could make room are busy; try again when one goes idle. */
    public record Wait(String why) implements Plan {}

    /** Never fits: the model alone exceeds the budget, or pinned models hold too much of it. */
    public record Never(String why) implements Plan {}

    /**
     * @param need        bytes the model to load needs
     * @param memoryLimit bytes all loaded models may hold together (0 = no limit)
     * @param maxModels   most models loaded at once (0 = no limit)
     */
    public static Plan plan(List<Resident> resident, long need, long memoryLimit, int maxModels) {
        if (memoryLimit > 0 && need > memoryLimit) {
            return new Never("it needs " + Units.human(need) + ", more than --models-memory " + Units.human(memoryLimit));
        }
        long used = resident.stream().mapToLong(Resident::bytes).sum();
        int count = resident.size();
        List<String> evict = new ArrayList<>();
        List<Resident> idle = resident.stream().filter(Resident::evictable).sorted(Comparator.comparingLong(Resident::lastUsedNanos)).toList();
        for (Resident r : idle) {
            if (fits(used, count, need, memoryLimit, maxModels)) break;
            evict.add(r.id());
            used -= r.bytes();
            count--;
        }
        if (fits(used, count, need, memoryLimit, maxModels)) return new Evict(List.copyOf(evict));
        long pinnedBytes = resident.stream().filter(Resident::pinned).mapToLong(Resident::bytes).sum();
        long pinnedCount = resident.stream().filter(Resident::pinned).count();
        if ((memoryLimit > 0 && pinnedBytes + need > memoryLimit) || (maxModels > 0 && pinnedCount + 1 > maxModels)) {
            return new Never("pinned models hold " + pinnedCount + " of --models-max " + maxModels + " and " + Units.human(pinnedBytes)
                    + (memoryLimit > 0 ? " of --models-memory " + Units.human(memoryLimit) : ""));
        }
        long busy = resident.stream().filter(r -> !r.evictable() && !r.pinned()).count();
        return new Wait(busy + " loaded model" + (busy == 1 ? " is" : "s are") + " busy or loading");
    }

    private static boolean fits(long used, int count, long need, long memoryLimit, int maxModels) {
        return (memoryLimit <= 0 || used + need <= memoryLimit) && (maxModels <= 0 || count + 1 <= maxModels);
    }
}
