package hearth.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An F16 cache row comes back as exactly the stored value rounded to binary16 and widened again (what
 * {@link Float#float16ToFloat} gives), for every class of half: normals, subnormals, signed zeros, infinities and NaN,
 * read whole or in pieces of any length and offset (the vector widening covers eight values, a scalar loop the rest).
 */
class F16CacheRoundTripTest {

    @Test
    void everyKindOfHalfComesBackBitForBitAtAnyOffsetAndLength() {
        int dim = 192; // SmolLM2-135M: 3 KV heads of 64
        Random r = new Random(11);
        float[] row = new float[dim];
        float[] specials = {0f, -0f, 6.0e-8f, -6.0e-8f, 3.0e-5f, -4.5e-5f, 6.1e-5f, 65504f, -65504f, 70000f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -2.5f, 1e-3f};
        for (int i = 0; i < dim; i++) {
            row[i] = i < specials.length * 4 ? specials[i % specials.length] * (i / specials.length % 2 == 0 ? 1 : -1)
                    : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 6));
        }
        try (KvCache c = new KvCache(2, 4, dim, dim, KvCacheType.F16, KvCacheType.F16)) {
            c.store(1, 3, row, 0, row, 0);
            for (int off : new int[] {0, 1, 7, 8, 64, 100}) {
                for (int n : new int[] {1, 5, 8, 9, 16, 23, 64, dim - off}) {
                    if (off + n > dim) continue;
                    float[] k = new float[n + 2];
                    float[] v = new float[n + 2];
                    c.loadK(1, 3, off, k, 2, n);
                    c.loadV(1, 3, off, v, 2, n);
                    for (int i = 0; i < n; i++) {
                        int expected = Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(row[off + i])));
                        assertThat(Float.floatToRawIntBits(k[2 + i])).as("K[%d] (off %d, n %d)", off + i, off, n).isEqualTo(expected);
                        assertThat(Float.floatToRawIntBits(v[2 + i])).as("V[%d] (off %d, n %d)", off + i, off, n).isEqualTo(expected);
                    }
                    assertThat(k[0]).isZero();
                    assertThat(k[1]).isZero();
                }
            }
        }
    }
}
