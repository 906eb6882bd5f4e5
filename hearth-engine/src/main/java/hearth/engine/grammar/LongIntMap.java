package hearth.engine.grammar;

import java.util.Arrays;

/** Open-addressing map from non-negative longs to non-negative ints, without boxing. Absent keys read as -1. */
final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int size;

    LongIntMap() {
        Arrays.fill(keys, EMPTY);
    }

    int get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return -1;
        }
    }

    void put(long key, int value) {
        int old = putIfAbsent(key, value);
        if (old >= 0) {
            int mask = keys.length - 1;
            for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    values[i] = value;
                    return;
                }
            }
        }
    }

    /** Stores the value if the key is new and returns -1; otherwise returns the present value and changes nothing. */
    int putIfAbsent(long key, int value) {
        if (2 * (size + 1) > keys.length) grow();
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return -1;
            }
        }
    }

    int size() {
        return size;
    }

    void clear() {
        if (size == 0) return;
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != EMPTY) putIfAbsent(oldKeys[i], oldValues[i]);
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }
}
