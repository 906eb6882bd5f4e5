package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WorkerPoolTest {

    @Test
    @Timeout(20)
    void everyChunkRunsExactlyOnceAcrossManyBackToBackSections() {
        for (long spin : new long[] {0, 20_000}) {
            try (WorkerPool pool = new WorkerPool(3, spin)) {
                for (int call = 0; call < 20_000; call++) {
                    int chunks = 1 + call % 7;
                    AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                    int id = call;
                    AtomicLong wrongSection = new AtomicLong();
                    pool.run(chunks, (c, cs) -> {
                        if (cs != chunks) wrongSection.incrementAndGet();
                        runs.incrementAndGet(c);
                    });
                    assertThat(wrongSection.get()).as("call %d", id).isZero();
                    for (int c = 0; c < chunks; c++) assertThat(runs.get(c)).as("call %d chunk %d", id, c).isEqualTo(1);
                }
            }
        }
    }

    @Test
    @Timeout(10)
    void aFailingChunkIsRethrownToTheCallerAndThePoolKeepsWorking() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.run(8, (c, cs) -> {
                if (c == 5) throw new IllegalStateException("chunk 5 failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 5 failed");
            AtomicLong sum = new AtomicLong();
            pool.run(8, (c, cs) -> sum.addAndGet(c));
            assertThat(sum.get()).isEqualTo(28);
        }
    }

    @Test
    @Timeout(10)
    void parallelForCoversTheRangeWithContiguousPieces() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            pool.parallelFor(1000, 10, (from, to) -> {
                for (int i = from; i < to; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < 1000; i++) assertThat(hits.get(i)).isEqualTo(1);
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        assertThatThrownBy(() -> pool.run(4, (c, cs) -> {})).isInstanceOf(IllegalStateException.class);
    }
}
