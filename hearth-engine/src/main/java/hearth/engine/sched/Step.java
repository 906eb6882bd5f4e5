package hearth.engine.sched;

import hearth.engine.kv.BlockTable;
import hearth.engine.model.ForwardBatch;
import java.util.List;

/** What one model step computes: a run of consecutive uncomputed tokens from each scheduled sequence. */
record Step(List<Chunk> chunks) {
    /** Tokens [start, start + count) of {@code seq}; logits when the chunk reaches the sequence's last token. */
    record Chunk(Sequence seq, int start, int count) {
        boolean wantsLogits() {
            return start + count == seq.length;
        }
    }

    int tokens() {
        int n = 0;
        for (Chunk c : chunks) n += c.count();
        return n;
    }

    boolean isEmpty() {
        return chunks.isEmpty();
    }

    ForwardBatch batch() {
        int n = tokens();
        int[] tok = new int[n];
        int[] pos = new int[n];
        BlockTable[] tables = new BlockTable[n];
        boolean[] logits = new boolean[n];
        int i = 0;
        for (Chunk c : chunks) {
            for (int k = 0; k < c.count(); k++, i++) {
                tok[i] = c.seq().tokens[c.start() + k];
                pos[i] = c.start() + k;
                tables[i] = c.seq().table;
            }
            logits[i - 1] = c.wantsLogits();
        }
        return new ForwardBatch(tok, pos, tables, logits);
    }
}
