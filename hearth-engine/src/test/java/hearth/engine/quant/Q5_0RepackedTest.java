package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hearth.engine.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Q5_0 mat-muls on the 8-row interleaved copy give bit for bit the dot product of the rows as they are (ggml's AVX2
 * lanes), one activation row at a time and in batches decoded from the copy, whatever the row range, the fifth bits
 * and the scale values, and so do the kernel's default paths; the source weights stay readable. (The copy's kernel is
 * written for 512-bit vectors; elsewhere the Vector API runs it slowly, with the same results.)
 */
class Q5_0RepackedTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int ROWS = 43; // five groups of 8 and three rows the copy does not hold
    private final QuantKernel kern = Kernels.forType(GgmlType.Q5_0);

    /**
     * Checks every output of matMul over [0, split) and [split, ROWS) against dot, for several batch sizes: as the
     * kernel runs by default, and through the copy (when one can be made) whether or not it is on by default.
     */
    private void assertMatMulMatchesDot(MemorySegment w, int k, int split) {
        long rowBytes = GgmlType.Q5_0.bytesFor(k);
        Q5_0Repacked copy = Q5_0Repacked.of(w, rowBytes);
        for (int n : new int[] {1, 3, 8, 9, 14}) { // 8 and more: batches through DecodedBatch, 9 and 14 with rows left over
            Activations a = Activations.of(kern.activationFormat(), RandomWeights.activations(n, k, 5L * n + k), n, k);
            float[] out = new float[n * ROWS];
            kern.matMul(w, rowBytes, 0, split, a, out, ROWS);
            kern.matMul(w, rowBytes, split, ROWS, a, out, ROWS);
            MatchesDot.assertEveryOutput("k=" + k + " n=" + n, kern, w, rowBytes, a, out, ROWS, n);
            if (copy == null) continue;
            float[] fromCopy = new float[n * ROWS];
            ((Q5_0Kernel) kern).matMul(copy, w, rowBytes, 0, split, a, fromCopy, ROWS);
            ((Q5_0Kernel) kern).matMul(copy, w, rowBytes, split, ROWS, a, fromCopy, ROWS);
            MatchesDot.assertEveryOutput("copy, k=" + k + " n=" + n, kern, w, rowBytes, a, fromCopy, ROWS, n);
        }
    }

    @ParameterizedTest(name = "k={0}")
    @ValueSource(ints = {32, 256, 2048})
    void everyOutputMatchesTheDotProductForRowRangesThatSplitAGroup(int k) {
        assertMatMulMatchesDot(RandomWeights.rows(GgmlType.Q5_0, ROWS, k, k), k, 13);
    }

    @Test
    void fifthBitsAllSetAllClearAndAlternatingGiveTheSameOutputs() {
        int k = 256;
        MemorySegment w = RandomWeights.rows(GgmlType.Q5_0, ROWS, k, 9);
        int[] qh = {0, -1, 0x5555_5555, 0xAAAA_AAAA, 0x0000_FFFF, 0xFFFF_0000, 0x8000_0001};
        for (long b = 0; b < w.byteSize() / Q5_0Kernel.BYTES; b++) w.set(U32, b * Q5_0Kernel.BYTES + 2, qh[(int) (b % qh.length)]);
        assertMatMulMatchesDot(w, k, 16);
    }

    @Test
    void nativeWeightsAreRepackedOnceAndGiveTheSameOutputs() {
        int k = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(GgmlType.Q5_0.bytesFor((long) ROWS * k));
            w.copyFrom(RandomWeights.rows(GgmlType.Q5_0, ROWS, k, 3));
            assertMatMulMatchesDot(w, k, 24);
            Q5_0Repacked first = Q5_0Repacked.of(w, GgmlType.Q5_0.bytesFor(k));
            assertThat(first.rows).isEqualTo(40);
            assertThat(Q5_0Repacked.of(w, GgmlType.Q5_0.bytesFor(k))).isSameAs(first);
        }
    }

    @Test
    void zeroNegativeZeroSubnormalAndLargeScalesConvertExactly() {
        int k = 256;
        MemorySegment w = RandomWeights.rows(GgmlType.Q5_0, ROWS, k, 11);
        short[] scales = {0, (short) 0x8000, 1, (short) 0x83ff, 0x03ff, 0x0400, 0x7bff, (short) 0xfbff, 0x3c00, (short) 0xbc01};
        for (long b = 0; b < w.byteSize() / Q5_0Kernel.BYTES; b++) w.set(U16, b * Q5_0Kernel.BYTES, scales[(int) (b % scales.length)]);
        assertMatMulMatchesDot(w, k, 8);
    }

    @Test
    void weightsWithAnInfiniteScaleAreNotRepackedAndStillMatch() {
        int k = 256;
        MemorySegment w = RandomWeights.rows(GgmlType.Q5_0, ROWS, k, 12);
        w.set(U16, 5 * GgmlType.Q5_0.bytesFor(k), (short) 0x7c00);
        assertThat(Q5_0Repacked.of(w, GgmlType.Q5_0.bytesFor(k))).isNull();
        assertMatMulMatchesDot(w, k, 16);
    }

    @Test
    void memoryMappedWeightsStayReadableAfterTheirPagesAreHandedBack(@TempDir Path dir) throws IOException {
        int k = 4096; // 43 rows of 2816 bytes: several pages
        MemorySegment heap = RandomWeights.rows(GgmlType.Q5_0, ROWS, k, 13);
        Path f = dir.resolve("w.bin");
        Files.write(f, heap.toArray(ValueLayout.JAVA_BYTE));
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            MemorySegment w = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            assertMatMulMatchesDot(w, k, 40);
            assertThat(w.mismatch(heap)).isEqualTo(-1L);
        }
    }

    @Test
    void theCopyHoldsTheWholeGroupsOfEightRowsInTheirOwnSize() {
        Q5_0Repacked p = Q5_0Repacked.of(RandomWeights.rows(GgmlType.Q5_0, ROWS, 64, 14), GgmlType.Q5_0.bytesFor(64));
        assertThat(p).isNotNull();
        assertThat(p.rows).isEqualTo(40);
        assertThat(p.data.byteSize()).isEqualTo(40 * GgmlType.Q5_0.bytesFor(64));
    }

    @Test
    void theCopyOfWeightsWhoseMemoryIsClosedIsFreed() {
        int k = 256;
        Arena arena = Arena.ofShared();
        MemorySegment w = arena.allocate(GgmlType.Q5_0.bytesFor((long) ROWS * k));
        w.copyFrom(RandomWeights.rows(GgmlType.Q5_0, ROWS, k, 21));
        Q5_0Repacked p = Q5_0Repacked.of(w, GgmlType.Q5_0.bytesFor(k));
        assertThat(p).isNotNull();
        Kernels.releaseClosedWeights();
        assertThat(p.data.get(ValueLayout.JAVA_BYTE, 0)).as("still open weights keep their copy").isNotNull();
        arena.close();
        Kernels.releaseClosedWeights();
        assertThatThrownBy(() -> p.data.get(ValueLayout.JAVA_BYTE, 0))
                .as("the copy's memory is released with the weights'").isInstanceOf(IllegalStateException.class);
    }
}
