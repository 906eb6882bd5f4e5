package hearth.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A Q8_0 cache row comes back within half a quantisation step of what was stored, in ggml's block layout. */
class Q8CacheRoundTripTest {

    @Test
    void everyValueOfARowComesBackWithinHalfAStepOfItsBlock() {
        int dim = 192; // SmolLM2-135M: 3 KV heads of 64
        Random r = new Random(7);
        try (KvCache c = new KvCache(2, 8, dim, dim, KvCacheType.Q8_0, KvCacheType.Q8_0)) {
            float[] k = new float[dim];
            float[] v = new float[dim];
            for (int slot = 0; slot < 8; slot++) {
                // 1e-2 .. 1e3: the block scale adapts to the magnitude (far smaller values would make d an fp16
                // subnormal, which loses relative precision in ggml's format as well)
                double scale = Math.pow(10, (slot - 4) * 5 / 7.0 + 0.5);
                for (int i = 0; i < dim; i++) {
                    k[i] = (float) (r.nextGaussian() * scale);
                    v[i] = (float) (r.nextGaussian() * scale * 3);
                }
                c.store(1, slot, k, 0, v, 0);
                float[] kb = new float[dim];
                float[] vb = new float[dim];
                c.loadK(1, slot, 0, kb, 0, dim);
                c.loadV(1, slot, 0, vb, 0, dim);
                assertWithinHalfStep(k, kb, dim);
                assertWithinHalfStep(v, vb, dim);
            }
        }
    }

    @Test
    void aHeadReadFromTheMiddleOfABlockEqualsThatPartOfTheWholeRow() {
        int dim = 32; // stories260K: 4 KV heads of 8 share one block
        Random r = new Random(3);
        try (KvCache c = new KvCache(1, 4, dim, dim, KvCacheType.Q8_0, KvCacheType.F16)) {
            float[] row = new float[dim];
            for (int i = 0; i < dim; i++) row[i] = (float) r.nextGaussian();
            c.store(0, 2, row, 0, row, 0);
            float[] whole = new float[dim];
            c.loadK(0, 2, 0, whole, 0, dim);
            for (int head = 0; head < 4; head++) {
                float[] part = new float[8 + 1];
                c.loadK(0, 2, head * 8, part, 1, 8);
                for (int i = 0; i < 8; i++) assertThat(part[1 + i]).isEqualTo(whole[head * 8 + i]);
            }
            // an unaligned run crossing no block boundary and one of odd length
            float[] odd = new float[5];
            c.loadK(0, 2, 13, odd, 0, 5);
            for (int i = 0; i < 5; i++) assertThat(odd[i]).isEqualTo(whole[13 + i]);
        }
    }

    @Test
    void aRowThatIsNotAMultipleOf32EndsInAPaddedBlock() {
        int dim = 40; // one full block and one of 8 values
        assertThat(KvCacheType.Q8_0.rowBytes(dim)).isEqualTo(2 * 34);
        float[] row = new float[dim];
        for (int i = 0; i < dim; i++) row[i] = (i - 20) * 0.25f;
        try (KvCache c = new KvCache(1, 3, dim, dim, KvCacheType.Q8_0, KvCacheType.Q8_0)) {
            c.store(0, 0, row, 0, row, 0);
            c.store(0, 1, new float[dim], 0, new float[dim], 0);
            float[] back = new float[dim];
            c.loadV(0, 0, 0, back, 0, dim);
            assertWithinHalfStep(row, back, dim);
            c.loadV(0, 1, 0, back, 0, dim);
            assertThat(back).containsOnly(0f); // a zero block: scale 0, no NaN from 0/0
        }
    }

    @Test
    void roundingFollowsGgmlHalfToEvenWithTheLargestMagnitudeAt127() {
        float[] row = new float[32];
        row[0] = 127f;   // amax 127: the step d is exactly 1
        row[1] = -63.5f; // halves round to even: -64
        row[2] = 0.5f;   // 0
        row[3] = 1.5f;   // 2
        row[4] = 2.5f;   // 2
        row[5] = -126.4f;
        try (KvCache c = new KvCache(1, 1, 32, 32, KvCacheType.Q8_0, KvCacheType.Q8_0)) {
            c.store(0, 0, row, 0, row, 0);
            float[] back = new float[6];
            c.loadK(0, 0, 0, back, 0, 6);
            assertThat(back).containsExactly(127f, -64f, 0f, 2f, 2f, -126f);
        }
    }

    @Test
    void q8RowsTakeLessThanHalfTheBytesOfF16AndCopySlotMovesThem() {
        assertThat(KvCache.bytesPerToken(30, 192, 192, KvCacheType.Q8_0, KvCacheType.Q8_0)).isEqualTo(30L * 2 * 6 * 34);
        assertThat(KvCache.bytesPerToken(30, 192, 192, KvCacheType.Q8_0, KvCacheType.F16)).isEqualTo(30L * (6 * 34 + 384));
        try (KvCache c = new KvCache(3, 16, 64, 64, KvCacheType.Q8_0, KvCacheType.Q8_0);
             KvCache f = new KvCache(3, 16, 64, 64, KvCacheType.F16, KvCacheType.F16)) {
            assertThat(c.byteSize()).isEqualTo(16L * 3 * 2 * 2 * 34);
            assertThat((double) c.byteSize() / f.byteSize()).isEqualTo(34.0 / 64);
            float[] row = new float[64];
            for (int i = 0; i < 64; i++) row[i] = i % 7 - 3;
            c.store(2, 5, row, 0, row, 0);
            c.copySlot(5, 11);
            float[] a = new float[64];
            float[] b = new float[64];
            c.loadK(2, 5, 0, a, 0, 64);
            c.loadK(2, 11, 0, b, 0, 64);
            assertThat(b).containsExactly(a);
        }
    }

    /**
     * Half a step of the block's scale d = amax/127, plus the fp16 rounding of d itself (relative 2^-11, times up to
     * 127 steps).
     */
    private static void assertWithinHalfStep(float[] want, float[] got, int n) {
        for (int b = 0; b < n; b += 32) {
            float amax = 0;
            for (int i = b; i < Math.min(n, b + 32); i++) amax = Math.max(amax, Math.abs(want[i]));
            double bound = amax / 254.0 + amax * 0x1p-11 + 1e-30;
            for (int i = b; i < Math.min(n, b + 32); i++) {
                assertThat((double) got[i]).as("value %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(bound));
            }
        }
    }
}
