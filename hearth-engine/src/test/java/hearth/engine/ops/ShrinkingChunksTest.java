package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decode chunk boundaries cover the rows once, in order, largest chunks first, the last ones short. */
class ShrinkingChunksTest {

    @ParameterizedTest
    @CsvSource({"151936, 2, 32", "4864, 2, 16", "1152, 2, 32", "128, 2, 32", "31, 2, 32", "9728, 4, 32"})
    void chunksCoverTheRowsAndShrinkTowardsTheEnd(int space, int threads, int minRows) {
        int[] b = MatMul.shrinkingChunks(space, threads, minRows);
        assertThat(b[0]).isZero();
        assertThat(b[b.length - 1]).isEqualTo(space);
        for (int c = 0; c + 1 < b.length; c++) {
            int size = b[c + 1] - b[c];
            assertThat(size).isPositive();
            if (c + 2 < b.length) {
                assertThat(size).as("chunk %d", c).isGreaterThanOrEqualTo(Math.min(minRows, space));
                assertThat(size).as("chunk %d", c).isGreaterThanOrEqualTo(b[c + 2] - b[c + 1]);
            }
        }
        // the first chunk is at most half the rows per thread (rounded up, or the minimum)
        assertThat(b[1]).isLessThanOrEqualTo(Math.max(minRows, (space + 2 * threads - 1) / (2 * threads)));
        // few chunks: about threads per halving of the rows down to the minimum
        int halvings = 32 - Integer.numberOfLeadingZeros(Math.max(1, space / Math.max(1, minRows)));
        assertThat(b.length - 1).isLessThanOrEqualTo(threads * (halvings + 1));
        // the last full-size chunk is at most minRows long: the threads finish a section close together
        if (b.length > 2) assertThat(b[b.length - 2] - b[b.length - 3]).isLessThanOrEqualTo(Math.max(minRows, 1));
    }
}
