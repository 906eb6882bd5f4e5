package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels form the same integer partial sums as ggml's AVX2 kernels (each lane four consecutive products
 * of a 32-value chunk) and add the float lanes in ggml's order, which is what makes their results bit-identical.
 */
class GgmlLaneGroupingTest {

    @Test
    void dot32LaneHoldsTheSumOfFourConsecutiveProductsOfItsGgmlLane() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            short[] w = new short[32];
            float[] x = new float[32];
            for (int e = 0; e < 32; e++) {
                w[e] = (short) (rnd.nextInt(255) - 127);
                x[e] = (float) rnd.nextGaussian();
            }
            Activations a = Activations.of(ActivationFormat.Q8_0, x, 1, 32);
            IntVector got = Simd.dot32(ShortVector.fromArray(Simd.S256, w, 0), ShortVector.fromArray(Simd.S256, w, 16), a.qg, 0);
            for (int lane = 0; lane < 8; lane++) {
                int g = Simd.GGML_LANE[lane], want = 0;
                for (int e = 4 * g; e < 4 * g + 4; e++) want += w[e] * a.q[e];
                assertThat(got.lane(lane)).as("lane %d (ggml lane %d)", lane, g).isEqualTo(want);
            }
        }
    }

    @Test
    void groupedActivationsArePermutationsOfEachChunk() {
        float[] x = RandomWeights.activations(2, 256, 9);
        Activations a = Activations.of(ActivationFormat.Q8_K, x, 2, 256);
        for (int c = 0; c < 512; c += 32) {
            for (int e = 0; e < 32; e++) assertThat(a.qg[c + Simd.GROUPED_SLOT[e]]).isEqualTo(a.q[c + e]);
        }
    }

    @Test
    void hsumAddsGgmlLanesIAndIPlus4FirstThenThePairs() {
        // ggml lanes 0..7 = 1e8, 1, -1e8, 1, 1, 1, 1, 1 -> ((1e8 + 1) + (-1e8 + 1)) + ((1 + 1) + (1 + 1)) = 4
        float[] ggml = {1e8f, 1, -1e8f, 1, 1, 1, 1, 1};
        float[] ours = new float[8];
        for (int lane = 0; lane < 8; lane++) ours[lane] = ggml[Simd.GGML_LANE[lane]];
        assertThat(Simd.hsum(FloatVector.fromArray(Simd.F256, ours, 0))).isEqualTo(4f);
        assertThat(Simd.hsumNatural(FloatVector.fromArray(Simd.F256, ggml, 0))).isEqualTo(4f);
    }
}
