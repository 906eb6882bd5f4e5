package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Activations are converted exactly as ggml's x86 (AVX2) CPU backend converts them. */
class ActivationQuantizationTest {

    /** A block of 32 whose largest magnitude is 127, so the Q8_0 scale is exactly 1. */
    private static float[] unitScaleBlock(float... head) {
        float[] x = new float[32];
        System.arraycopy(head, 0, x, 0, head.length);
        x[31] = 127f;
        return x;
    }

    @Test
    void q8_0RoundsHalfwayValuesToEvenLikeTheAvx2Quantiser() {
        Activations a = Activations.of(ActivationFormat.Q8_0, unitScaleBlock(2.5f, 3.5f, -2.5f, 0.49f, -126.6f), 1, 32);
        assertThat(a.d[0]).isEqualTo(1f);
        assertThat(new short[] {a.q[0], a.q[1], a.q[2], a.q[3], a.q[4], a.q[31]}).containsExactly(2, 4, -2, 0, -127, 127);
    }

    @Test
    void q8_0ScaleIsTheFp16RoundedMaximumOver127() {
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) x[i] = (float) Math.sin(i) * (i < 32 ? 3 : 0.01f);
        Activations a = Activations.of(ActivationFormat.Q8_0, x, 1, 64);
        for (int b = 0; b < 2; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[32 * b + i]));
            assertThat(a.d[b]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(amax / 127f)));
            for (int i = 0; i < 32; i++) assertThat(a.value(32 * b + i)).isCloseTo(x[32 * b + i], within(amax / 127f));
        }
    }

    @Test
    void q8_0OfAnAllZeroBlockIsZero() {
        Activations a = Activations.of(ActivationFormat.Q8_0, new float[32], 1, 32);
        assertThat(a.d[0]).isZero();
        for (int i = 0; i < 32; i++) assertThat(a.q[i]).isZero();
    }

    @Test
    void q8_1AlsoStoresTheFp16ScaledSumOfTheQuants() {
        Activations a = Activations.of(ActivationFormat.Q8_1, unitScaleBlock(2.5f, 3.5f, -7f), 1, 32);
        int sum = 2 + 4 - 7 + 127;
        assertThat(a.s[0]).isEqualTo((float) sum);
    }

    @Test
    void q8_kMapsTheSignedExtremeToMinus127AndKeepsSumsOfSixteen() {
        float[] x = new float[256];
        x[0] = 127f;
        x[1] = 2.5f;
        x[17] = -3f;
        Activations a = Activations.of(ActivationFormat.Q8_K, x, 1, 256);
        // iscale = -127 / 127 = -1, d = 1 / iscale
        assertThat(a.d[0]).isEqualTo(-1f);
        assertThat(a.q[0]).isEqualTo((short) -127);
        assertThat(a.q[1]).isEqualTo((short) -2);
        assertThat(a.q[17]).isEqualTo((short) 3);
        assertThat(a.bsums[0]).isEqualTo(-129);
        assertThat(a.bsums[1]).isEqualTo(3);
        assertThat(a.value(17)).isEqualTo(-3f);
    }

    @Test
    void f16AndBf16ActivationsAreRoundedToNearestEven() {
        float[] x = {1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 1 + 0x1p-8f, 1 + 3 * 0x1p-8f};
        Activations h = Activations.of(ActivationFormat.F16, x, 1, 4);
        assertThat(h.f[0]).isEqualTo(1f);
        assertThat(h.f[1]).isEqualTo(1 + 0x1p-9f);
        Activations b = Activations.of(ActivationFormat.BF16, x, 1, 4);
        assertThat(b.f[2]).isEqualTo(1f);
        assertThat(b.f[3]).isEqualTo(1 + 0x1p-6f);
    }

    @Test
    void rowsAreQuantisedIndependently() {
        float[] x = RandomWeights.activations(3, 256, 5);
        Activations all = Activations.of(ActivationFormat.Q8_K, x, 3, 256);
        Activations split = new Activations().prepare(ActivationFormat.Q8_K, 3, 256);
        split.convertRows(x, 2, 3);
        split.convertRows(x, 0, 2);
        for (int i = 0; i < 3 * 256; i++) assertThat(split.value(i)).isEqualTo(all.value(i));
    }

    /** ggml's AVX2 quantize_row_q8_0 written out element by element: the expected quants of one block. */
    private static int[] expectedQ8(float[] x, int o) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[o + j]));
        float id = amax != 0 ? 127f / amax : 0f;
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) q[j] = (int) Math.rint(x[o + j] * id);
        return q;
    }

    @Test
    void q8_0QuantsAndEveryReorderedCopyAgreeWithTheElementwiseQuantiser() {
        int n = 3, k = 96, nb = k / 32; // an odd row count: the last row fills half a pair of qf2
        float[] x = RandomWeights.activations(n, k, 17);
        x[5] = 0.5f * x[6]; // ties and signed zeros
        x[40] = -0f;
        for (int j = 64; j < 96; j++) x[j] = j == 70 ? Float.NaN : j == 71 ? Float.POSITIVE_INFINITY : j; // non-finite block
        Activations a = Activations.of(ActivationFormat.Q8_0, x, n, k);
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < nb; b++) {
                int o = t * k + b * 32;
                int[] want = expectedQ8(x, o);
                for (int e = 0; e < 32; e++) {
                    int m = e % 4, j = e / 4;
                    assertThat((int) a.q[o + e]).as("q row %d block %d element %d", t, b, e).isEqualTo(want[e]);
                    assertThat((int) a.qg[o + Simd.GROUPED_SLOT[e]]).isEqualTo(want[e]);
                    assertThat((int) a.qeo[o + (e % 2) * 16 + e / 2]).isEqualTo(want[e]);
                    assertThat(a.qf[o + 8 * m + j]).isEqualTo((float) want[e]);
                    assertThat(a.qf2[a.qf2At + (t / 2) * 2 * k + b * 64 + 16 * m + (t % 2) * 8 + j]).isEqualTo((float) want[e]);
                }
                for (int j = 0; j < 8; j++) {
                    assertThat(Float.floatToRawIntBits(a.d2[a.d2At + (t / 2) * nb * 16 + b * 16 + (t % 2) * 8 + j])).isEqualTo(Float.floatToRawIntBits(a.d[t * nb + b]));
                }
            }
        }
    }

    @Test
    void rowsConvertedByTwoThreadsAtOnceMatchOneThread() throws Exception {
        int n = 64, k = 1024;
        float[] x = RandomWeights.activations(n, k, 23);
        Activations one = Activations.of(ActivationFormat.Q8_0, x, n, k);
        Activations shared = new Activations();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 100; round++) {
                shared.prepare(ActivationFormat.Q8_0, n, k);
                var start = new java.util.concurrent.CountDownLatch(1);
                var first = pool.submit(() -> { start.await(); shared.convertRows(x, 0, n / 2); return null; });
                var second = pool.submit(() -> { start.await(); shared.convertRows(x, n / 2, n); return null; });
                start.countDown();
                first.get();
                second.get();
                assertThat(shared.qf).as("round %d", round).containsExactly(java.util.Arrays.copyOf(one.qf, n * k));
                assertThat(java.util.Arrays.copyOfRange(shared.qf2, shared.qf2At, shared.qf2At + n * k)).as("round %d", round)
                        .containsExactly(java.util.Arrays.copyOfRange(one.qf2, one.qf2At, one.qf2At + n * k));
            }
        }
    }
}
