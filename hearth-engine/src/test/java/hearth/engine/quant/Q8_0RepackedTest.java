package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Q8_0 mat-muls (on 512-bit machines through the 16-row interleaved copy) give bit for bit ggml's AVX2 numbers: per
 * output eight float lanes, lane j taking {@code fma(d_w * d_x, sum of elements 4j..4j+3, lane)} block by block, then
 * ggml's {@code hsum_float_8}. Checked against that rule written out here, whatever the row range, activation rows,
 * scales and quant values (-128 included), and the source weights stay readable.
 */
class Q8_0RepackedTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int ROWS = 53; // three groups of 16 and five rows the copy does not hold
    private final QuantKernel kern = Kernels.forType(GgmlType.Q8_0);

    /** ggml's vec_dot_q8_0_q8_0 on AVX2 (and tinyBLAS's Q8_0 tiles, which add alike), from the raw blocks. */
    private static float ggmlDot(MemorySegment w, long off, Activations a, int t) {
        int nb = a.k / 32;
        float[] lane = new float[8];
        for (int b = 0; b < nb; b++) {
            long o = off + 34L * b;
            float d = Float.float16ToFloat(w.get(U16, o)) * a.d[t * nb + b];
            for (int j = 0; j < 8; j++) {
                int sum = 0;
                for (int m = 0; m < 4; m++) sum += w.get(ValueLayout.JAVA_BYTE, o + 2 + 4 * j + m) * a.q[t * a.k + 32 * b + 4 * j + m];
                lane[j] = Math.fma((float) sum, d, lane[j]);
            }
        }
        return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
    }

    /** Checks every output of matMul over [0, split) and [split, ROWS) against ggmlDot, for several batch sizes. */
    private void assertMatMulMatchesGgml(MemorySegment w, int k, int split) {
        long rowBytes = GgmlType.Q8_0.bytesFor(k);
        for (int n : new int[] {1, 2, 3, 4, 5, 8, 9}) {
            Activations a = Activations.of(kern.activationFormat(), RandomWeights.activations(n, k, 7L * n + k), n, k)
                    .path(n == 1 ? GgmlPath.VEC_DOT : GgmlPath.SGEMM);
            float[] out = new float[n * ROWS];
            kern.matMul(w, rowBytes, 0, split, a, out, ROWS);
            kern.matMul(w, rowBytes, split, ROWS, a, out, ROWS);
            for (int t = 0; t < n; t++) {
                for (int r = 0; r < ROWS; r++) {
                    float want = ggmlDot(w, r * rowBytes, a, t);
                    assertThat(Float.floatToRawIntBits(out[t * ROWS + r]))
                            .as("k=%d n=%d row %d activation row %d: %s vs ggml %s", k, n, r, t, out[t * ROWS + r], want)
                            .isEqualTo(Float.floatToRawIntBits(want));
                    if (Simd.ENABLED) assertThat(Float.floatToIntBits(kern.dot(w, r * rowBytes, a, t))).isEqualTo(Float.floatToIntBits(want));
                }
            }
        }
    }

    @ParameterizedTest(name = "k={0}")
    @ValueSource(ints = {32, 576, 2048})
    void everyOutputMatchesGgmlForRowRangesThatSplitAGroup(int k) {
        assertMatMulMatchesGgml(RandomWeights.rows(GgmlType.Q8_0, ROWS, k, k), k, 21);
    }

    @Test
    void extremeQuantsAndScalesAreExact() {
        int k = 256;
        MemorySegment w = RandomWeights.rows(GgmlType.Q8_0, ROWS, k, 11);
        short[] scales = {0, (short) 0x8000, 1, (short) 0x83ff, 0x0400, 0x7bff, (short) 0xfbff, 0x3c00, (short) 0xbc01};
        for (long b = 0; b < w.byteSize() / Q8_0Kernel.BYTES; b++) {
            long o = b * Q8_0Kernel.BYTES;
            w.set(U16, o, scales[(int) (b % scales.length)]);
            if (b % 3 == 0) for (int j = 0; j < 32; j++) w.set(ValueLayout.JAVA_BYTE, o + 2 + j, (byte) (j % 2 == 0 ? -128 : 127));
        }
        assertMatMulMatchesGgml(w, k, 32);
    }

    @Test
    void weightsWithAnInfiniteScaleAreNotRepackedAndStillMatch() {
        int k = 256;
        MemorySegment w = RandomWeights.rows(GgmlType.Q8_0, ROWS, k, 12);
        w.set(U16, 5 * GgmlType.Q8_0.bytesFor(k), (short) 0x7c00);
        assertThat(Q8_0Repacked.of(w, GgmlType.Q8_0.bytesFor(k))).isNull();
        assertMatMulMatchesGgml(w, k, 16);
    }

    @Test
    void nativeWeightsAreRepackedOnceAndGiveTheSameOutputs() {
        int k = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(GgmlType.Q8_0.bytesFor((long) ROWS * k));
            w.copyFrom(RandomWeights.rows(GgmlType.Q8_0, ROWS, k, 3));
            assertMatMulMatchesGgml(w, k, 16);
            if (Q8_0Repacked.ENABLED) {
                Q8_0Repacked first = Q8_0Repacked.of(w, GgmlType.Q8_0.bytesFor(k));
                assertThat(first.rows).isEqualTo(48);
                assertThat(Q8_0Repacked.of(w, GgmlType.Q8_0.bytesFor(k))).isSameAs(first);
            }
        }
    }

    @Test
    void memoryMappedWeightsStayReadableAfterTheirPagesAreHandedBack(@TempDir Path dir) throws IOException {
        int k = 4096; // 53 rows of 4352 bytes: many pages
        MemorySegment heap = RandomWeights.rows(GgmlType.Q8_0, ROWS, k, 13);
        Path f = dir.resolve("w.bin");
        Files.write(f, heap.toArray(ValueLayout.JAVA_BYTE));
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            MemorySegment w = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            assertMatMulMatchesGgml(w, k, 48);
            assertThat(w.mismatch(heap)).isEqualTo(-1L);
        }
    }

    @Test
    void theInterleavedCopyIsUsedOnWideVectorMachines() {
        assumeTrue(Q8_0Repacked.ENABLED, "no 512-bit vectors: the row kernels of Q8_0Kernel serve every Q8_0 mat-mul");
        Q8_0Repacked p = Q8_0Repacked.of(RandomWeights.rows(GgmlType.Q8_0, ROWS, 64, 14), GgmlType.Q8_0.bytesFor(64));
        assertThat(p).isNotNull();
        assertThat(p.rows).isEqualTo(48);
        assertThat(p.data.byteSize()).isEqualTo(3 * 2 * Q8_0Repacked.GROUP_BLOCK);
        assertThat(Q8_0Repacked.of(RandomWeights.rows(GgmlType.Q8_0, 15, 64, 15), GgmlType.Q8_0.bytesFor(64)))
                .as("fewer rows than a group").isNull();
    }

    @Test
    void theCopyOfWeightsWhoseMemoryIsClosedIsFreed() {
        assumeTrue(Q8_0Repacked.ENABLED, "no 512-bit vectors: nothing is copied");
        int k = 256;
        Arena arena = Arena.ofShared();
        MemorySegment w = arena.allocate(GgmlType.Q8_0.bytesFor((long) ROWS * k));
        w.copyFrom(RandomWeights.rows(GgmlType.Q8_0, ROWS, k, 21));
        Q8_0Repacked p = Q8_0Repacked.of(w, GgmlType.Q8_0.bytesFor(k));
        assertThat(p).isNotNull();
        Kernels.releaseClosedWeights();
        assertThat(p.data.get(ValueLayout.JAVA_BYTE, 0)).as("still open weights keep their copy").isNotNull();
        arena.close();
        Kernels.releaseClosedWeights();
        assertThatThrownBy(() -> p.data.get(ValueLayout.JAVA_BYTE, 0))
                .as("the copy's memory is released with the weights'").isInstanceOf(IllegalStateException.class);
    }
}
