package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.LE;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** F32: 4 bytes per value, little-endian IEEE float. Dot with plain float activations. */
final class F32Kernel extends TiledKernel {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.F32;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        MemorySegment.copy(w, Simd.F32, offset, dst, dstOffset, k);
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        float sum = 0;
        int xo = t * a.k;
        for (int i = 0; i < a.k; i++) sum += w.get(Simd.F32, offset + 4L * i) * a.f[xo + i];
        return sum;
    }

    /**
     * ggml's sums: with {@link GgmlPath#SGEMM} tinyBLAS's single 8-lane accumulator, otherwise
     * {@code ggml_vec_dot_f32}: four accumulators over chunks of 32, then the leftovers as gcc compiles that loop
     * (rounded products added in order, fused multiply-adds for the last k % 4).
     */
    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int k = a.k, xo = t * k;
        float[] x = a.f;
        if (a.path == GgmlPath.SGEMM) {
            FloatVector acc = FloatVector.zero(F256);
            for (int i = 0; i < k; i += 8) {
                acc = FloatVector.fromMemorySegment(F256, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F256, x, xo + i), acc);
            }
            return Simd.hsumNatural(acc);
        }
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int i = 0;
        for (; i + 32 <= k; i += 32) {
            long o = offset + 4L * i;
            acc0 = FloatVector.fromMemorySegment(F256, w, o, LE).fma(FloatVector.fromArray(F256, x, xo + i), acc0);
            acc1 = FloatVector.fromMemorySegment(F256, w, o + 32, LE).fma(FloatVector.fromArray(F256, x, xo + i + 8), acc1);
            acc2 = FloatVector.fromMemorySegment(F256, w, o + 64, LE).fma(FloatVector.fromArray(F256, x, xo + i + 16), acc2);
            acc3 = FloatVector.fromMemorySegment(F256, w, o + 96, LE).fma(FloatVector.fromArray(F256, x, xo + i + 24), acc3);
        }
        float sum = i > 0 ? Simd.reduce4(acc0, acc1, acc2, acc3) : 0f;
        for (int rounded = k & ~3; i < rounded; i++) sum += w.get(Simd.F32, offset + 4L * i) * x[xo + i];
        for (; i < k; i++) sum = Math.fma(w.get(Simd.F32, offset + 4L * i), x[xo + i], sum);
        return sum;
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
        int k = a.k;
        float[] x = a.f;
        int x0 = t * k;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int i = 0;
        for (; i + 8 <= k; i += 8) {
            FloatVector wv = FloatVector.fromMemorySegment(F256, w, offset + 4L * i, LE);
            acc0 = wv.fma(FloatVector.fromArray(F256, x, x0 + i), acc0);
            acc1 = wv.fma(FloatVector.fromArray(F256, x, x0 + k + i), acc1);
            acc2 = wv.fma(FloatVector.fromArray(F256, x, x0 + 2 * k + i), acc2);
            acc3 = wv.fma(FloatVector.fromArray(F256, x, x0 + 3 * k + i), acc3);
        }
        float s0 = Simd.hsumNatural(acc0), s1 = Simd.hsumNatural(acc1);
        float s2 = Simd.hsumNatural(acc2), s3 = Simd.hsumNatural(acc3);
        for (; i < k; i++) {
            float wi = w.get(Simd.F32, offset + 4L * i);
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
