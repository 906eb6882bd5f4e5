package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float primitives follow ggml's summation order and its vector exp, which plain Java arithmetic would not. */
class GgmlMathTest {

    @Test
    void vectorExpIsWithinThreeUlpsOfExpAcrossTheRangeSoftmaxAndSiluUse() {
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            float x = (rnd.nextFloat() - 0.9f) * 100f; // [-90, 10]
            float want = (float) Math.exp(x);
            assertThat(GgmlMath.expf(x)).as("exp(%s)", x).isCloseTo(want, within(3 * Math.ulp(want)));
        }
    }

    @Test
    void vectorExpFlushesMinusInfinityAndHugeNegativesToZero() {
        assertThat(GgmlMath.expf(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(GgmlMath.expf(-500f)).isZero();
        assertThat(GgmlMath.expf(0f)).isEqualTo(1f);
    }

    @Test
    void tinyBlasDotAddsEightLanesPairwiseNotSequentially() {
        // lane j holds elements j and j + 8; lanes 0 and 2 cancel, lanes 1 and 3 add 1 each
        float[] a = {1e8f, 1, -1e8f, 1, 0, 0, 0, 0};
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        assertThat(GgmlMath.dotSgemm(a, 0, ones, 0, 8)).isEqualTo(2f);
        float sequential = 0;
        for (float v : a) sequential += v;
        assertThat(sequential).as("a plain loop loses the first 1").isEqualTo(1f);
    }

    @Test
    void rowsOfTinyBlasDotsGiveTheBitsOfOneDotPerRow() {
        Random rnd = new Random(29);
        for (int n : new int[] {8, 40, 64, 128}) {
            for (int rows = 0; rows <= 27; rows++) {
                float[] k = new float[rows * n + 5], q = new float[n + 3], out = new float[rows + 4];
                for (int i = 0; i < k.length; i++) k[i] = (float) (rnd.nextGaussian() * (1 << rnd.nextInt(8)));
                for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
                float scale = 0.125f + rnd.nextFloat();
                GgmlMath.dotsSgemm(k, n, q, 3, rows, scale, out, 2);
                for (int p = 0; p < rows; p++) {
                    float want = GgmlMath.dotSgemm(k, p * n, q, 3, n) * scale;
                    assertThat(Float.floatToRawIntBits(out[2 + p])).as("n=%d rows=%d row %d: %s vs %s", n, rows, p, out[2 + p], want)
                            .isEqualTo(Float.floatToRawIntBits(want));
                }
                assertThat(out[0]).isZero();
                assertThat(out[2 + rows]).isZero();
            }
        }
    }

    @Test
    void f16DotSumsItsLeftoverProductsInDouble() {
        // 65504^2 + 1 - 65504^2: a float running sum loses the 1, ggml's double sum keeps it
        float[] a = {65504f, 1f, -65504f};
        float[] b = {65504f, 1f, 65504f};
        assertThat(GgmlMath.dotF16(a, 0, b, 0, 3, new float[32])).isEqualTo(1f);
    }

    @Test
    void f32DotFusesOnlyTheLastLeftoversLikeGccCompiledIt() {
        float c = 1 + 0x1p-12f; // c * c = 1 + 2^-11 + 2^-24: the 2^-24 survives only in a fused multiply-add
        float[] a = {-(1 + 0x1p-11f), 0, 0, 0, c};
        float[] b = {1, 0, 0, 0, c};
        assertThat(GgmlMath.dotF32(a, 0, b, 0, 5, new float[32])).isEqualTo(0x1p-24f);
        // the same product among the first four leftovers is rounded before the sum
        float[] a4 = {-(1 + 0x1p-11f), c, 0, 0, 0};
        float[] b4 = {1, c, 0, 0, 0};
        assertThat(GgmlMath.dotF32(a4, 0, b4, 0, 5, new float[32])).isZero();
    }

    @Test
    void f32AndF16DotsOfWholeChunksAgreeWithTheExactSumToRounding() {
        Random rnd = new Random(2);
        float[] a = new float[96], b = new float[96];
        double exact = 0;
        for (int i = 0; i < 96; i++) {
            a[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
            b[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
            exact += (double) a[i] * b[i];
        }
        assertThat((double) GgmlMath.dotF32(a, 0, b, 0, 96, new float[32])).isCloseTo(exact, within(1e-4));
        assertThat((double) GgmlMath.dotF16(a, 0, b, 0, 96, new float[32])).isCloseTo(exact, within(1e-4));
        assertThat((double) GgmlMath.dotSgemm(a, 0, b, 0, 96)).isCloseTo(exact, within(1e-4));
    }

    @Test
    void batchedWeightedSumPutsPositionPInLanePMod8() {
        // values over six orders of magnitude with both signs, so that another summation order gives other bits;
        // widths cover whole vectors, a leftover column part and narrow heads; counts cover partial lane groups
        Random rnd = new Random(3);
        int differentFromPlainSum = 0;
        for (int n : new int[] {8, 20, 64, 128}) {
            for (int positions : new int[] {1, 5, 8, 13, 64, 101}) {
                float[] v = new float[positions * n];
                for (int i = 0; i < v.length; i++) v[i] = (float) (Math.pow(10, rnd.nextDouble() * 6 - 3) * (rnd.nextBoolean() ? 1 : -1));
                float[] w = new float[2 + positions];
                for (int i = 0; i < w.length; i++) w[i] = rnd.nextFloat();
                float[] out = new float[1 + n];
                GgmlMath.weightedSumSgemm(v, n, w, 2, positions, out, 1);
                for (int d = 0; d < n; d++) {
                    float[] lanes = new float[8];
                    float plain = 0;
                    for (int p = 0; p < positions; p++) {
                        lanes[p % 8] = Math.fma(v[p * n + d], w[2 + p], lanes[p % 8]);
                        plain = Math.fma(v[p * n + d], w[2 + p], plain);
                    }
                    float want = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
                    assertThat(out[1 + d]).as("width %d, %d positions, column %d", n, positions, d).isEqualTo(want);
                    if (plain != want) differentFromPlainSum++;
                }
            }
        }
        assertThat(differentFromPlainSum).as("columns where the summation order shows").isGreaterThan(100);
    }

    @Test
    void columnReductionOfVecDotAccumulatorsIsReduce32OfEachColumn() {
        // 32 accumulator rows per column (lane j of vec_dot's four 8-lane accumulators); widths cover whole vectors
        // and a leftover part, values span six orders of magnitude so that another order of adds gives other bits
        Random rnd = new Random(5);
        for (int n : new int[] {8, 20, 64, 70}) {
            float[] acc = new float[3 + 32 * n];
            for (int i = 0; i < acc.length; i++) acc[i] = (float) (Math.pow(10, rnd.nextDouble() * 6 - 3) * (rnd.nextBoolean() ? 1 : -1));
            float[] out = new float[2 + n];
            GgmlMath.reduce32Columns(acc, 3, n, out, 2);
            for (int d = 0; d < n; d++) {
                float[] column = new float[32];
                for (int l = 0; l < 32; l++) column[l] = acc[3 + l * n + d];
                assertThat(out[2 + d]).as("width %d, column %d", n, d).isEqualTo(GgmlMath.reduce32(column, 0));
            }
        }
    }

    @Test
    void softmaxIsNormalisedAndOrdered() {
        float[] x = {1f, 3f, -2f, 0.5f, 7f, 7f, -40f, 2f, 0f, 1.5f, -3f};
        float[] p = x.clone();
        GgmlMath.softmax(p, 0, p.length);
        double sum = 0, z = 0;
        for (float v : x) z += Math.exp(v - 7);
        for (int i = 0; i < p.length; i++) {
            sum += p[i];
            assertThat((double) p[i]).isCloseTo(Math.exp(x[i] - 7) / z, within(1e-6));
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
        assertThat(p[4]).isEqualTo(p[5]);
    }

    /**
     * ggml's softmax one element at a time (the scalar {@link GgmlMath#expf}, 8-lane chunks summed by hsum8 into a
     * double): the vector softmax must give these bits.
     */
    private static void scalarSoftmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int c = 0; c < n; c += 8) {
            float[] l = new float[8];
            for (int j = 0; j < 8 && c + j < n; j++) l[j] = x[off + c + j] = GgmlMath.expf(x[off + c + j] - max);
            sum += GgmlMath.hsum8(l, 0);
        }
        float scale = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= scale;
    }

    @Test
    void softmaxGivesTheBitsOfTheScalarChunkedSoftmax() {
        Random rnd = new Random(11);
        for (int n = 1; n <= 70; n++) {
            for (int round = 0; round < 20; round++) {
                float[] x = new float[n + 3];
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (rnd.nextInt(12)) {
                        case 0 -> -200f * rnd.nextFloat(); // far below the maximum: the out-of-range exp path
                        case 1 -> Float.NEGATIVE_INFINITY;
                        case 2 -> -0f;
                        default -> (float) (rnd.nextGaussian() * 8);
                    };
                }
                x[1 + rnd.nextInt(n)] = 3f; // at least one finite maximum
                float[] want = x.clone();
                scalarSoftmax(want, 1, n);
                GgmlMath.softmax(x, 1, n);
                for (int i = 0; i < x.length; i++) {
                    assertThat(Float.floatToRawIntBits(x[i])).as("n=%d round %d element %d: %s vs %s", n, round, i, x[i], want[i])
                            .isEqualTo(Float.floatToRawIntBits(want[i]));
                }
            }
        }
    }

    @Test
    void swigluOfAnyRangeGivesTheBitsOfTheElementwiseFormula() {
        Random rnd = new Random(5);
        int n = 53; // 48 elements of 8-lane chunks (ggml's vector exp), then 5 with the C library's
        for (int round = 0; round < 200; round++) {
            float[] gate = new float[n + 2], up = new float[n + 2];
            for (int i = 0; i < gate.length; i++) {
                gate[i] = rnd.nextInt(10) == 0 ? 120f * (rnd.nextFloat() - 0.5f) : (float) (rnd.nextGaussian() * 4);
                up[i] = (float) rnd.nextGaussian();
            }
            int from = rnd.nextInt(n), to = from + rnd.nextInt(n - from + 1);
            float[] want = gate.clone(), got = gate.clone();
            for (int i = from; i < to; i++) {
                float g = gate[2 + i];
                float e = i < 48 ? GgmlMath.expf(0f - g) : LibmExp.expf(-g);
                want[2 + i] = g / (1.0f + e) * up[1 + i];
            }
            GgmlMath.swiglu(got, 2, up, 1, n, from, to);
            for (int i = 0; i < got.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("round %d [%d, %d) element %d", round, from, to, i)
                        .isEqualTo(Float.floatToRawIntBits(want[i]));
            }
        }
    }

    @Test
    void swigluIsSiluOfGateTimesUpPerElement() {
        float[] gate = new float[13], up = new float[13];
        for (int i = 0; i < 13; i++) {
            gate[i] = (i - 6) * 0.7f;
            up[i] = 1 + i * 0.1f;
        }
        float[] out = gate.clone();
        GgmlMath.swiglu(out, 0, up, 0, 13);
        for (int i = 0; i < 13; i++) {
            double silu = gate[i] / (1 + Math.exp(-gate[i]));
            assertThat((double) out[i]).isCloseTo(silu * up[i], within(1e-6));
        }
    }
}
