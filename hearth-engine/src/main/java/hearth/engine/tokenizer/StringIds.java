package hearth.engine.tokenizer;

/**
 * An immutable map from strings to non-negative ints for vocabularies and merge lists (100k+ entries): open addressing
 * over two arrays, no entry objects and no boxed values. A {@code HashMap<String, Integer>} of a 150k-token vocabulary
 * holds 150k nodes and 150k boxed Integers (about 15 MB); this holds a key array and an int array (about 3 MB).
 */
final class StringIds {
    private final String[] keys;
    private final int[] values;
    private final int mask;
    private final int size;

    /**
     * Maps {@code keys[i]} to i for every i with {@code include[i]} (all when include is null); a key that occurs more
     * than once maps to its last index when {@code lastWins}, else to its first.
     */
    StringIds(String[] keys, boolean[] include, boolean lastWins) {
        int capacity = Integer.highestOneBit(Math.max(4, keys.length * 2 - 1)) << 1; // load factor <= 1/2
        this.keys = new String[capacity];
        this.values = new int[capacity];
        this.mask = capacity - 1;
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (include != null && !include[i]) continue;
            int slot = find(keys[i]);
            if (this.keys[slot] == null) {
                this.keys[slot] = keys[i];
                this.values[slot] = i;
                n++;
            } else if (lastWins) {
                this.values[slot] = i;
            }
        }
        this.size = n;
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private int find(String key) {
        int slot = mix(key.hashCode()) & mask;
        while (keys[slot] != null && !keys[slot].equals(key)) slot = (slot + 1) & mask;
        return slot;
    }

    /** Spreads String hash codes (which differ mostly in their low bits for short keys) over the table. */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The value of {@code key}, or -1 when absent. */
    int get(String key) {
        int slot = find(key);
        return keys[slot] == null ? -1 : values[slot];
    }

    int size() {
        return size;
    }
}
