package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batches through {@link DecodedBatch} (weights decoded to floats once per slice of rows) give bit for bit the
 * single dot product: across slice boundaries, a short last slice, row ranges that start inside a slice, odd row
 * counts, and activation rows beyond the last tile of four (or pairs beyond the last tile of four pairs).
 */
class DecodedBatchTest {
    static Stream<GgmlType> decodedTypes() {
        return Stream.of(RandomWeights.TYPES).filter(t -> Kernels.forType(t) instanceof TiledKernel k && k.floatDecoded());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodedTypes")
    void slicedBatchesEqualTheDotProductBitForBit(GgmlType type) {
        int k = 2048; // slices of DecodedBatch.sliceRows(2048) rows
        int slice = DecodedBatch.sliceRows(k);
        int rows = 2 * slice + 7;
        QuantKernel kern = Kernels.forType(type);
        MemorySegment w = RandomWeights.rows(type, rows, k, 99L + type.id);
        long rowBytes = type.bytesFor(k);
        // 8: one tile of eight rows (512-bit) or two of four; 13: three tiles of four and one row over, or seven pairs,
        // the last one half filled, in two tiles of four pairs, the second one with its last pair twice
        // one Activations for both, as the engine reuses it; the second has a row of zeros (a block with no scale)
        Activations a = new Activations();
        for (int n : new int[] {DecodedBatch.MIN_ROWS, 13}) {
            assertThat(n).isGreaterThanOrEqualTo(DecodedBatch.MIN_ROWS);
            float[] x = RandomWeights.activations(n, k, 5 + n);
            if (n == 13) java.util.Arrays.fill(x, 2 * k, 3 * k, 0f);
            a.prepare(kern.activationFormat(), n, k).convertRows(x, 0, n); // every layout: the single dots read theirs
            a.path(Kernels.path(type, rows, k, n));
            float[] out = new float[n * rows];
            kern.matMul(w, rowBytes, 0, 5, a, out, rows); // an odd row count: the last row goes in twice
            kern.matMul(w, rowBytes, 5, rows, a, out, rows);
            MatchesDot.assertEveryOutput(type + ", n = " + n, kern, w, rowBytes, a, out, rows, n);
        }
    }
}
