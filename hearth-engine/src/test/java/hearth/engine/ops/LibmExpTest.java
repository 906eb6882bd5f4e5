package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LibmExp} reproduces glibc's expf, which ggml uses for the tail of SiLU rows. */
class LibmExpTest {

    @Test
    void isWithinOneUlpOfTheExactValue() {
        Random rnd = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            float x = (rnd.nextFloat() - 0.5f) * 200f;
            double exact = StrictMath.exp(x);
            assertThat((double) LibmExp.expf(x)).as("exp(%s)", x).isCloseTo(exact, within((double) Math.ulp((float) exact)));
        }
    }

    @Test
    void reproducesGlibcWhereItRoundsTheOtherWay() {
        // printed by glibc 2.36's expf (x86-64, FMA); each is one ulp above the correctly rounded value
        int[][] cases = {{0xc029ec1e, 0x3d8ff77f}, {0x3feb2b84, 0x40c8f063}, {0x40da850e, 0x446701c6}};
        for (int[] c : cases) {
            float x = Float.intBitsToFloat(c[0]);
            assertThat(Float.floatToRawIntBits(LibmExp.expf(x))).as("exp(%s)", x).isEqualTo(c[1]);
            assertThat(Float.floatToRawIntBits((float) StrictMath.exp(x))).isEqualTo(c[1] - 1);
        }
    }

    @Test
    void overflowsUnderflowsAndPropagatesLikeTheCLibrary() {
        assertThat(LibmExp.expf(89f)).isInfinite();
        assertThat(LibmExp.expf(-104f)).isZero();
        assertThat(LibmExp.expf(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(LibmExp.expf(Float.NaN)).isNaN();
        assertThat(LibmExp.expf(0f)).isEqualTo(1f);
    }
}
