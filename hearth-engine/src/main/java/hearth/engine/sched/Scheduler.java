package hearth.engine.sched;

import hearth.engine.kv.BlockManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Continuous batching bookkeeping (vLLM's words: waiting, running, preempt, block table). Each step: one decode token
 * for every running sequence that has one, then prefill chunks within the token budget, then new sequences admitted
 * while slots and blocks last. A sequence that cannot get a block for its next token preempts the newest running one,
 * which goes back to the head of the queue and is recomputed later (its full blocks usually survive in the prefix cache).
 * No model and no math here.
 */
final class Scheduler {
    private final BlockManager blocks;
    private final int parallel;
    private final int maxBatchTokens;
    private final boolean prefixCache;
    final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    final List<Sequence> running = new ArrayList<>();
    private long preemptions;

    Scheduler(BlockManager blocks, int parallel, int maxBatchTokens, boolean prefixCache) {
        this.blocks = blocks;
        this.parallel = parallel;
        this.maxBatchTokens = maxBatchTokens;
        this.prefixCache = prefixCache;
    }

    long preemptions() {
        return preemptions;
    }

    boolean hasWork() {
        return !running.isEmpty() || !waiting.isEmpty();
    }

    Step schedule() {
        List<Step.Chunk> chunks = new ArrayList<>();
        int budget = maxBatchTokens;
        // 1. decode: one token for each running sequence whose prompt is done
        for (int i = 0; i < running.size(); i++) {
            Sequence s = running.get(i);
            if (s.uncomputed() != 1) continue;
            if (!reserve(s, s.length)) continue; // s itself was preempted
            chunks.add(new Step.Chunk(s, s.computed, 1));
            budget--;
        }
        // 2. prefill chunks of admitted sequences
        for (Sequence s : List.copyOf(running)) {
            if (budget <= 0) break;
            if (s.uncomputed() <= 1 || !running.contains(s)) continue;
            int n = Math.min(s.uncomputed(), budget);
            if (!s.table.ensureCapacity(s.computed + n, blocks)) continue;
            chunks.add(new Step.Chunk(s, s.computed, n));
            budget -= n;
        }
        // 3. admit waiting sequences
        while (budget > 0 && running.size() < parallel && !waiting.isEmpty()) {
            Sequence s = waiting.peekFirst();
            if (prefixCache && s.computed == 0 && s.table.blockCount() == 0) matchPrefix(s);
            int n = Math.min(s.uncomputed(), budget);
            if (!s.table.ensureCapacity(s.computed + n, blocks)) break;
            waiting.pollFirst();
            running.add(s);
            s.status = Sequence.Status.RUNNING;
            if (s.scheduledAt == 0) s.scheduledAt = System.nanoTime();
            chunks.add(new Step.Chunk(s, s.computed, n));
            budget -= n;
        }
        return new Step(chunks);
    }

    /** Makes room for {@code tokens} positions of s, preempting newer sequences if needed; false if s itself had to go. */
    private boolean reserve(Sequence s, int tokens) {
        while (!s.table.ensureCapacity(tokens, blocks)) {
            Sequence victim = running.getLast();
            preempt(victim);
            if (victim == s) return false;
        }
        return true;
    }

    private void preempt(Sequence s) {
        running.remove(s);
        s.table.releaseAll(blocks);
        s.computed = 0;
        s.registeredBlocks = 0;
        s.prefixHash = 0;
        s.status = Sequence.Status.WAITING;
        waiting.addFirst(s);
        preemptions++;
    }

    /** Takes cached blocks for the longest cached prefix of s (always leaving one token to compute for logits). */
    private void matchPrefix(Sequence s) {
        int bs = blocks.blockSize();
        int limit = (s.length - 1) / bs;
        for (int i = 0; i < limit; i++) {
            long h = BlockManager.chainHash(s.prefixHash, s.tokens, i * bs, bs);
            int b = blocks.lookup(h, s.tokens, i * bs);
            if (b < 0) break;
            s.table.append(b);
            s.prefixHash = h;
            s.registeredBlocks++;
            s.computed += bs;
        }
        s.cachedTokens = s.computed;
    }

    /** After the model ran a step: advance computed counts and index newly filled blocks for prefix reuse. */
    void completed(Step step) {
        int bs = blocks.blockSize();
        for (Step.Chunk c : step.chunks()) {
            Sequence s = c.seq();
            s.computed = c.start() + c.count();
            if (!prefixCache) continue;
            while ((s.registeredBlocks + 1) * bs <= s.computed) {
                int from = s.registeredBlocks * bs;
                long h = BlockManager.chainHash(s.prefixHash, s.tokens, from, bs);
                blocks.register(s.table.block(s.registeredBlocks), h, s.tokens, from);
                s.prefixHash = h;
                s.registeredBlocks++;
            }
        }
    }

    /** Removes a finished or cancelled sequence and frees its blocks. */
    void remove(Sequence s) {
        running.remove(s);
        waiting.remove(s);
        s.table.releaseAll(blocks);
    }
}
