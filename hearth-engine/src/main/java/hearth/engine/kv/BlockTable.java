package hearth.engine.kv;

import java.util.Arrays;

/** The blocks of one sequence, in position order: position p lives in slot blocks[p / B] * B + p % B. */
public final class BlockTable {
    private final int blockSize;
    private int[] blocks = new int[8];
    private int count;

    public BlockTable(int blockSize) {
        this.blockSize = blockSize;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockCount() {
        return count;
    }

    public int block(int i) {
        return blocks[i];
    }

    /** Token capacity of the blocks held. */
    public int capacity() {
        return count * blockSize;
    }

    public int slot(int pos) {
        int b = pos / blockSize;
        if (b >= count) throw new IndexOutOfBoundsException("position " + pos + " beyond the " + count + " blocks held");
        return blocks[b] * blockSize + pos % blockSize;
    }

    public void append(int block) {
        if (count == blocks.length) blocks = Arrays.copyOf(blocks, count * 2);
        blocks[count++] = block;
    }

    /** Grows the table to hold {@code tokens} positions; false (and nothing taken) when the pool is short. */
    public boolean ensureCapacity(int tokens, BlockManager manager) {
        int needed = (tokens + blockSize - 1) / blockSize - count;
        if (needed <= 0) return true;
        synchronized (manager) {
            if (manager.freeBlocks() < needed) return false;
            for (int i = 0; i < needed; i++) append(manager.allocate());
        }
        return true;
    }

    /** Returns every block to the manager and empties the table. */
    public void releaseAll(BlockManager manager) {
        for (int i = 0; i < count; i++) manager.release(blocks[i]);
        count = 0;
    }
}
