package hearth.engine.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Hands out fixed-size KV blocks from a fixed pool and keeps the books: reference counts (a block holding a shared
 * prompt prefix belongs to several sequences) and the prefix cache (full blocks indexed by a hash of all tokens up to
 * and including them). A cached block nobody uses stays cached until a fresh block is needed; then the least recently
 * released one is reused. No math here.
 */
public final class BlockManager {
    private final int blockSize;
    private final int[] refCount;
    private final int[] freeStack;
    private int freeTop;
    // prefix cache
    private final long[] blockHash;
    private final int[][] blockTokens;
    private final Map<Long, Integer> byHash = new HashMap<>();
    private final LinkedHashSet<Integer> evictable = new LinkedHashSet<>(); // cached, unreferenced, oldest first
    private long hits;
    private long queries;

    public BlockManager(int numBlocks, int blockSize) {
        if (numBlocks < 1 || blockSize < 1) throw new IllegalArgumentException("numBlocks and blockSize must be >= 1");
        this.blockSize = blockSize;
        this.refCount = new int[numBlocks];
        this.freeStack = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++) freeStack[i] = numBlocks - 1 - i;
        this.freeTop = numBlocks;
        this.blockHash = new long[numBlocks];
        this.blockTokens = new int[numBlocks][];
    }

    public int blockSize() {
        return blockSize;
    }

    public int numBlocks() {
        return refCount.length;
    }

    /** Blocks that can be handed out now (never used, or cached but unreferenced). */
    public synchronized int freeBlocks() {
        return freeTop + evictable.size();
    }

    /** Blocks referenced by at least one sequence. */
    public synchronized int usedBlocks() {
        return refCount.length - freeBlocks();
    }

    /** Unreferenced blocks still holding a cached prefix. */
    public synchronized int cachedBlocks() {
        return evictable.size();
    }

    /** A fresh block with reference count 1, or -1 when none is free. */
    public synchronized int allocate() {
        int b;
        if (freeTop > 0) {
            b = freeStack[--freeTop];
        } else if (!evictable.isEmpty()) {
            Iterator<Integer> it = evictable.iterator();
            b = it.next();
            it.remove();
            forget(b);
        } else {
            return -1;
        }
        refCount[b] = 1;
        return b;
    }

    /** Adds a reference to an allocated block. */
    public synchronized void retain(int block) {
        if (refCount[block] <= 0) throw new IllegalStateException("block " + block + " is not allocated");
        refCount[block]++;
    }

    /** Drops a reference; at zero the block is free (or stays cached if it holds a registered prefix). */
    public synchronized int release(int block) {
        if (refCount[block] <= 0) throw new IllegalStateException("block " + block + " released twice");
        int left = --refCount[block];
        if (left == 0) {
            if (blockTokens[block] != null) evictable.add(block);
            else freeStack[freeTop++] = block;
        }
        return left;
    }

    public synchronized int refCount(int block) {
        return refCount[block];
    }

    /**
     * Chain hash of a full block: depends on the previous block's hash and this block's tokens, so equal hashes mean
     * equal prefixes (contents are compared too, against collisions).
     */
    public static long chainHash(long parent, int[] tokens, int from, int count) {
        long h = parent ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < count; i++) {
            h = (h ^ tokens[from + i]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h * 0x94D049BB133111EBL ^ count;
    }

    /** Records that {@code block} holds the full prefix block with this hash and these tokens. */
    public synchronized void register(int block, long hash, int[] tokens, int from) {
        if (blockTokens[block] != null || byHash.containsKey(hash)) return;
        blockHash[block] = hash;
        blockTokens[block] = Arrays.copyOfRange(tokens, from, from + blockSize);
        byHash.put(hash, block);
    }

    /** The cached block holding this prefix block, with a reference taken for the caller; -1 on a miss. */
    public synchronized int lookup(long hash, int[] tokens, int from) {
        queries++;
        Integer b = byHash.get(hash);
        if (b == null || !Arrays.equals(blockTokens[b], 0, blockSize, tokens, from, from + blockSize)) return -1;
        if (refCount[b] == 0) evictable.remove(b);
        refCount[b]++;
        hits++;
        return b;
    }

    /** Prefix-cache block lookups and hits so far. */
    public synchronized long[] lookupStats() {
        return new long[] {queries, hits};
    }

    private void forget(int block) {
        if (blockTokens[block] != null) {
            byHash.remove(blockHash[block]);
            blockTokens[block] = null;
        }
    }
}
