package hearth.engine.model;

import hearth.engine.kv.BlockTable;

/**
 * The tokens of one model step, possibly from several sequences (prefill chunks and decode tokens mixed).
 * Token i sits at {@code positions[i]} of the sequence whose KV blocks are {@code tables[i]}; logits are produced only for
 * tokens with {@code logits[i]}, in batch order. Within a sequence, tokens appear in increasing position order.
 */
public record ForwardBatch(int[] tokens, int[] positions, BlockTable[] tables, boolean[] logits) {
    public ForwardBatch {
        if (tokens.length != positions.length || tokens.length != tables.length || tokens.length != logits.length) {
            throw new IllegalArgumentException("ForwardBatch arrays differ in length");
        }
    }

    public int size() {
        return tokens.length;
    }

    public int logitCount() {
        int n = 0;
        for (boolean b : logits) if (b) n++;
        return n;
    }

    /** A batch of consecutive tokens of one sequence starting at {@code start}; logits only for the last one. */
    public static ForwardBatch ofSequence(int[] tokens, int start, BlockTable table, boolean lastLogits) {
        int n = tokens.length;
        int[] pos = new int[n];
        BlockTable[] tables = new BlockTable[n];
        boolean[] lg = new boolean[n];
        for (int i = 0; i < n; i++) {
            pos[i] = start + i;
            tables[i] = table;
        }
        if (n > 0) lg[n - 1] = lastLogits;
        return new ForwardBatch(tokens, pos, tables, lg);
    }
}
