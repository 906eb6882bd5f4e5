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
}
