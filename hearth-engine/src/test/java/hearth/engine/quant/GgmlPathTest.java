package hearth.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Kernels pick the summation of the llama.cpp code path that would compute the same product. */
class GgmlPathTest {

    @Test
    void pathFollowsLlamaCppsChoiceOfKernel() {
        assertThat(Kernels.path(GgmlType.Q4_0, 64, 256, 1)).isEqualTo(GgmlPath.REPACKED_Q4_0);
        assertThat(Kernels.path(GgmlType.Q4_0, 60, 256, 5)).isEqualTo(GgmlPath.SGEMM);
        assertThat(Kernels.path(GgmlType.Q4_0, 60, 256, 1)).isEqualTo(GgmlPath.VEC_DOT);
        assertThat(Kernels.path(GgmlType.Q8_0, 64, 256, 2)).isEqualTo(GgmlPath.SGEMM);
        assertThat(Kernels.path(GgmlType.F32, 64, 172, 5)).as("k not a multiple of 8").isEqualTo(GgmlPath.VEC_DOT);
        assertThat(Kernels.path(GgmlType.F16, 172, 64, 5)).isEqualTo(GgmlPath.SGEMM);
        assertThat(Kernels.path(GgmlType.F16, 6, 64, 5)).as("rows not a multiple of 4").isEqualTo(GgmlPath.VEC_DOT);
        assertThat(Kernels.path(GgmlType.Q4_K, 64, 256, 5)).isEqualTo(GgmlPath.VEC_DOT);
    }

    /** ggml_vec_dot_f32: four 8-lane accumulators per 32, (a0+a2)+(a1+a3), lanes j+(j+4), then (t0+t1)+(t2+t3). */
    private static float vecDotF32(float[] w, float[] x) {
        float[] acc = new float[32];
        int np = w.length & ~31;
        for (int i = 0; i < np; i++) acc[i % 32] = Math.fma(w[i], x[i], acc[i % 32]);
        float[] t = new float[4];
        for (int j = 0; j < 4; j++) {
            float lo = (acc[j] + acc[16 + j]) + (acc[8 + j] + acc[24 + j]);
            float hi = (acc[j + 4] + acc[20 + j]) + (acc[12 + j] + acc[28 + j]);
            t[j] = lo + hi;
        }
        float sum = np > 0 ? (t[0] + t[1]) + (t[2] + t[3]) : 0f;
        int i = np;
        for (; i < (w.length & ~3); i++) sum += w[i] * x[i];
        for (; i < w.length; i++) sum = Math.fma(w[i], x[i], sum);
        return sum;
    }

    /** tinyBLAS: one 8-lane accumulator, ggml's hsum. */
    private static float sgemm(float[] w, float[] x) {
        float[] l = new float[8];
        for (int i = 0; i < w.length; i++) l[i % 8] = Math.fma(w[i], x[i], l[i % 8]);
        return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
    }

    @Test
    void f32KernelSumsLikeVecDotOrTinyBlasAsThePathSays() {
        for (int k : new int[] {72, 172, 256}) {
            MemorySegment seg = RandomWeights.rows(GgmlType.F32, 3, k, k);
            float[] x = RandomWeights.activations(1, k, k + 1);
            QuantKernel kern = Kernels.forType(GgmlType.F32);
            for (int r = 0; r < 3; r++) {
                float[] w = new float[k];
                kern.dequantizeRow(seg, r * 4L * k, k, w, 0);
                Activations vec = Activations.of(ActivationFormat.F32, x, 1, k);
                assertThat(kern.dot(seg, r * 4L * k, vec, 0)).isEqualTo(vecDotF32(w, x));
                if (k % 8 == 0) {
                    Activations batched = Activations.of(ActivationFormat.F32, x, 1, k).path(GgmlPath.SGEMM);
                    assertThat(kern.dot(seg, r * 4L * k, batched, 0)).isEqualTo(sgemm(w, x));
                }
            }
        }
    }
}
