package hearth.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.tensor.GgmlType;
import hearth.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Mat-mul sections are recorded by weight type while a profile is on, with the weight bytes they read and a share of
 * the time by bytes when one section mixes types; nothing is recorded once it is stopped.
 */
class MatMulProfileTest {
    @Test
    void sectionsAreCountedByTypeWithTheirWeightBytesOnlyWhileTheProfileIsOn() {
        int k = 256;
        Tensor q8 = OpsTestData.randomQ8_0(64, k, 1), q8b = OpsTestData.randomQ8_0(32, k, 2);
        Tensor f32 = OpsTestData.randomF32(16, k, 3);
        float[] x = OpsTestData.gaussianRows(2, k, 4);
        try (WorkerPool pool = new WorkerPool(2)) {
            MatMulProfile profile = MatMulProfile.start();
            MatMul.matMul(pool, q8, x, 1, new float[64]); // decode: one activation row
            MatMul.matMul(pool, q8, x, 2, new float[128]); // a batch of two
            MatMul.matMuls(pool, x, 1, new Tensor[] {q8, q8b, f32}, new float[][] {new float[64], new float[32], new float[16]});
            profile.stop();
            MatMul.matMul(pool, q8, x, 1, new float[64]); // not recorded

            long q8Bytes = 64L * q8.rowBytes(), q8bBytes = 32L * q8b.rowBytes(), f32Bytes = 16L * f32.rowBytes();
            assertThat(profile.entries()).extracting(MatMulProfile.Entry::type).containsExactlyInAnyOrder(GgmlType.Q8_0, GgmlType.F32);
            MatMulProfile.Entry e8 = entry(profile, GgmlType.Q8_0), e32 = entry(profile, GgmlType.F32);
            assertThat(e8.sections()).isEqualTo(3); // the mixed section counts once for each type in it
            assertThat(e8.bytes()).isEqualTo(3 * q8Bytes + q8bBytes);
            assertThat(e32.sections()).isEqualTo(1);
            assertThat(e32.bytes()).isEqualTo(f32Bytes);
            assertThat(e8.nanos()).isPositive();
            assertThat(e32.nanos()).isPositive();
            assertThat(e8.gigabytesPerSecond()).isEqualTo((double) e8.bytes() / e8.nanos());
            assertThat(profile.entries().getFirst().nanos()).isGreaterThanOrEqualTo(profile.entries().getLast().nanos());
        }
    }

    @Test
    void aMixedSectionIsSharedOutByBytes() {
        int k = 256;
        Tensor big = OpsTestData.randomQ8_0(300, k, 5), small = OpsTestData.randomF32(10, k, 6);
        MatMulProfile profile = MatMulProfile.start();
        profile.record(new Tensor[] {big, small}, 1_000_000);
        profile.stop();
        long b = 300L * big.rowBytes(), s = 10L * small.rowBytes();
        assertThat(entry(profile, GgmlType.Q8_0).nanos()).isEqualTo(Math.round(1e6 * b / (b + s)));
        assertThat(entry(profile, GgmlType.F32).nanos()).isEqualTo(Math.round(1e6 * s / (b + s)));
    }

    private static MatMulProfile.Entry entry(MatMulProfile p, GgmlType t) {
        return p.entries().stream().filter(e -> e.type() == t).findFirst().orElseThrow();
    }
}
