package hearth.engine.ops;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opt-in accounting of {@link MatMul}'s parallel sections by weight type: the calling thread's wall time of each
 * section (its own and its workers' share of the rows, with the hand-offs), the weight bytes the section read and how
 * many sections ran. A section over matrices of several types (q, k and v of mixed types) is shared out by their
 * bytes. One profile records at a time in a JVM ({@link #start} replaces the one before); with none, a section costs
 * one volatile read more. For {@code hearth bench model --kernels}: which tensor types the decode time goes to, and at
 * how many bytes per second each is read.
 */
public final class MatMulProfile {
    /** One weight type's totals: sections it took part in, nanoseconds and weight bytes attributed to it. */
    public record Entry(GgmlType type, long sections, long nanos, long bytes) {
        /** Weight bytes read per second, in GB/s (0 with no time recorded). */
        public double gigabytesPerSecond() {
            return nanos == 0 ? 0 : (double) bytes / nanos;
        }
    }

    private static volatile MatMulProfile active;

    /** Per type: sections, nanoseconds, bytes. */
    private final Map<GgmlType, long[]> byType = new EnumMap<>(GgmlType.class);

    private MatMulProfile() {}

    /** Starts a new profile; sections from now on are recorded into it until {@link #stop}. */
    public static MatMulProfile start() {
        MatMulProfile p = new MatMulProfile();
        active = p;
        return p;
    }

    /** Stops recording (if this profile is still the one recording). */
    public void stop() {
        if (active == this) active = null;
    }

    /** The profile recording now, or null. */
    static MatMulProfile active() {
        return active;
    }

    /** Records a section over {@code ws} that took {@code nanos}. */
    synchronized void record(Tensor[] ws, long nanos) {
        long total = 0;
        for (Tensor w : ws) total += bytes(w);
        Set<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        for (Tensor w : ws) {
            long b = bytes(w);
            long[] e = byType.computeIfAbsent(w.type(), t -> new long[3]);
            if (seen.add(w.type())) e[0]++; // a section counts once per type in it
            e[1] += total == 0 ? nanos / ws.length : Math.round((double) nanos * b / total);
            e[2] += b;
        }
    }

    private static long bytes(Tensor w) {
        return (long) w.rows() * w.rowBytes();
    }

    /** The types recorded, the most time first. */
    public synchronized List<Entry> entries() {
        List<Entry> list = new ArrayList<>();
        byType.forEach((t, e) -> list.add(new Entry(t, e[0], e[1], e[2])));
        list.sort(Comparator.comparingLong(Entry::nanos).reversed());
        return list;
    }
}
