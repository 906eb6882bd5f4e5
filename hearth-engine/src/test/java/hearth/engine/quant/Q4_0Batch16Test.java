package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Q4_0 batches of eight activation rows and more on the repacked path ({@link Q4_0Batch16}, reading the 8-row
 * interleaved copy or the weights as they are) give bit for bit ggml's per-output sums ({@link Q4_0Kernel#dot} on that
 * path): across chunks of blocks (the sums carried over in the output), slices of weight rows, row ranges with an odd
 * number of rows that start inside a slice (and a group of the copy), batches whose last group of sixteen has
 * only eight rows (8, 13, 40: their padding lanes never written back), and activation rows past the last group of
 * eight (four and single ones).
 */
class Q4_0Batch16Test {
    @ParameterizedTest(name = "k={0} n={1}")
    @CsvSource({"576, 8", "576, 13", "2048, 17", "2048, 68", "8192, 40"})
    void batchesEqualTheRepackedDotBitForBit(int k, int n) {
        Assumptions.assumeTrue(Simd.ENABLED, "no 256-bit vectors here: the batch path is off");
        GgmlType type = GgmlType.Q4_0;
        int rows = (3 * Q4_0Batch16.sliceRows(Q4_0Batch16.chunkBlocks(k / 32, Q4_0Batch16.groups(n / 8 * 8))) + 15) / 8 * 8; // the repacked path needs rows % 8 == 0
        QuantKernel kern = Kernels.forType(type);
        MemorySegment w = RandomWeights.rows(type, rows, k, 7L + k + n);
        long rowBytes = type.bytesFor(k);
        Activations a = Activations.of(kern.activationFormat(), RandomWeights.activations(n, k, 11), n, k)
                .path(Kernels.path(type, rows, k, n));
        assertThat(a.path).isEqualTo(GgmlPath.REPACKED_Q4_0);
        float[] out = new float[n * rows];
        kern.matMul(w, rowBytes, 0, 5, a, out, rows);
        kern.matMul(w, rowBytes, 5, rows - 3, a, out, rows);
        kern.matMul(w, rowBytes, rows - 3, rows, a, out, rows);
        MatchesDot.assertEveryOutput("through the kernel", kern, w, rowBytes, a, out, rows, n);
        // the batch kernel on the weights as they are (the path without a copy), over the same odd row ranges
        float[] direct = new float[n * rows];
        Q4_0Batch16.matMul(w, rowBytes, null, 0, 5, a, direct, rows);
        Q4_0Batch16.matMul(w, rowBytes, null, 5, rows - 3, a, direct, rows);
        Q4_0Batch16.matMul(w, rowBytes, null, rows - 3, rows, a, direct, rows);
        MatchesDot.assertEveryOutput("weights as they are", kern, w, rowBytes, a, direct, rows, n / 8 * 8);
        // the padding lanes of a last group of eight are computed, never stored: rows past n / 8 * 8 stay untouched
        for (int i = n / 8 * 8 * rows; i < n * rows; i++) assertThat(direct[i]).as("output %d past the batch", i).isZero();
    }
}
