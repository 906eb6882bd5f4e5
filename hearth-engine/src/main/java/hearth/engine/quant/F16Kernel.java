package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * F16: IEEE binary16, 2 bytes per value. ggml rounds the activations to fp16 first (vec_dot_type F16), then
 * multiplies in fp32; so do we.
 */
final class F16Kernel extends TiledKernel {

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.F16;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int i = 0; i < k; i++) dst[dstOffset + i] = Simd.fp16(w, offset + 2L * i);
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        float sum = 0;
        int xo = t * a.k;
        for (int i = 0; i < a.k; i++) sum += Simd.fp16(w, offset + 2L * i) * a.f[xo + i];
        return sum;
    }

    /**
     * ggml's sums: with {@link GgmlPath#SGEMM} tinyBLAS's single 8-lane accumulator, otherwise
     * {@code ggml_vec_dot_f16}: four accumulators over chunks of 32, then the leftover (exact) products in double.
     */
    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int k = a.k, xo = t * k;
        float[] x = a.f;
        if (a.path == GgmlPath.SGEMM) {
            FloatVector acc = FloatVector.zero(F256);
            for (int i = 0; i < k; i += 8) acc = HalfFloats.f16(w, offset + 2L * i).fma(FloatVector.fromArray(F256, x, xo + i), acc);
            return Simd.hsumNatural(acc);
        }
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int i = 0;
        for (; i + 32 <= k; i += 32) {
            long o = offset + 2L * i;
            acc0 = HalfFloats.f16(w, o).fma(FloatVector.fromArray(F256, x, xo + i), acc0);
            acc1 = HalfFloats.f16(w, o + 16).fma(FloatVector.fromArray(F256, x, xo + i + 8), acc1);
            acc2 = HalfFloats.f16(w, o + 32).fma(FloatVector.fromArray(F256, x, xo + i + 16), acc2);
            acc3 = HalfFloats.f16(w, o + 48).fma(FloatVector.fromArray(F256, x, xo + i + 24), acc3);
        }
        double sum = i > 0 ? Simd.reduce4(acc0, acc1, acc2, acc3) : 0.0;
        for (; i < k; i++) sum += Simd.fp16(w, offset + 2L * i) * x[xo + i];
        return (float) sum;
    }

    @Override
    int tile() {
        return 4;
    }

    @Override
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        if (a.path != GgmlPath.SGEMM) {
            super.dot4(w, offset, a, t, out, outIndex, outStride);
            return;
        }
        int k = a.k, x0 = t * k;
        float[] x = a.f;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int i = 0;
        for (; i + 8 <= k; i += 8) {
            FloatVector wv = HalfFloats.f16(w, offset + 2L * i);
            acc0 = wv.fma(FloatVector.fromArray(F256, x, x0 + i), acc0);
            acc1 = wv.fma(FloatVector.fromArray(F256, x, x0 + k + i), acc1);
            acc2 = wv.fma(FloatVector.fromArray(F256, x, x0 + 2 * k + i), acc2);
            acc3 = wv.fma(FloatVector.fromArray(F256, x, x0 + 3 * k + i), acc3);
        }
        float s0 = Simd.hsumNatural(acc0), s1 = Simd.hsumNatural(acc1);
        float s2 = Simd.hsumNatural(acc2), s3 = Simd.hsumNatural(acc3);
        for (; i < k; i++) {
            float wi = Simd.fp16(w, offset + 2L * i);
            s0 += wi * x[x0 + i];
            s1 += wi * x[x0 + k + i];
            s2 += wi * x[x0 + 2 * k + i];
            s3 += wi * x[x0 + 3 * k + i];
        }
        out[outIndex] = s0;
        out[outIndex + outStride] = s1;
        out[outIndex + 2 * outStride] = s2;
        out[outIndex + 3 * outStride] = s3;
    }
}
