package hearth.engine.kv;

/**
 * Hands out fixed-size KV blocks from a fixed pool and counts references, so that blocks holding a shared prompt
 * prefix can belong to several sequences. No math here: it only keeps the books.
 */
public final class BlockManager {
    private final int blockSize;
    private final int[] refCount;
    private final int[] freeStack;
    private int freeTop;

    public BlockManager(int numBlocks, int blockSize) {
        if (numBlocks < 1 || blockSize < 1) throw new IllegalArgumentException("numBlocks and blockSize must be >= 1");
        this.blockSize = blockSize;
        this.refCount = new int[numBlocks];
        this.freeStack = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++) freeStack[i] = numBlocks - 1 - i;
        this.freeTop = numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int numBlocks() {
        return refCount.length;
    }

    public synchronized int freeBlocks() {
        return freeTop;
    }

    public synchronized int usedBlocks() {
        return refCount.length - freeTop;
    }

    /** A fresh block with reference count 1, or -1 when none is free. */
    public synchronized int allocate() {
        if (freeTop == 0) return -1;
        int b = freeStack[--freeTop];
        refCount[b] = 1;
        return b;
    }

    /** Adds a reference to an allocated block (prefix sharing). */
    public synchronized void retain(int block) {
        if (refCount[block] <= 0) throw new IllegalStateException("block " + block + " is not allocated");
        refCount[block]++;
    }

    /** Drops a reference; the block returns to the pool at zero. Returns the remaining count. */
    public synchronized int release(int block) {
        if (refCount[block] <= 0) throw new IllegalStateException("block " + block + " released twice");
        int left = --refCount[block];
        if (left == 0) freeStack[freeTop++] = block;
        return left;
    }

    public synchronized int refCount(int block) {
        return refCount[block];
    }
}
