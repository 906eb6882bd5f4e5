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
            float[] wf = widened(w, offset, k);
            FloatVector acc = FloatVector.zero(F256);
            for (int i = 0; i < k; i += 8) acc = FloatVector.fromArray(F256, wf, i).fma(FloatVector.fromArray(F256, x, xo + i), acc);
            return Simd.hsumNatural(acc);
        }
        int whole = k / 32 * 32;
        float[] wf = widened(w, offset, whole);
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int i = 0;
        for (; i < whole; i += 32) {
            acc0 = FloatVector.fromArray(F256, wf, i).fma(FloatVector.fromArray(F256, x, xo + i), acc0);
            acc1 = FloatVector.fromArray(F256, wf, i + 8).fma(FloatVector.fromArray(F256, x, xo + i + 8), acc1);
            acc2 = FloatVector.fromArray(F256, wf, i + 16).fma(FloatVector.fromArray(F256, x, xo + i + 16), acc2);
            acc3 = FloatVector.fromArray(F256, wf, i + 24).fma(FloatVector.fromArray(F256, x, xo + i + 24), acc3);
        }
        double sum = i > 0 ? Simd.reduce4(acc0, acc1, acc2, acc3) : 0.0;
        for (; i < k; i++) sum += Simd.fp16(w, offset + 2L * i) * x[xo + i];
        return (float) sum;
    }

    /** Per thread: the widened values of the row being multiplied. */
    private static final ThreadLocal<float[][]> WIDENED = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * The first n values of the row at offset widened to floats, in this thread's buffer, by the JDK's own conversion
     * (an F16C instruction; exact for every input). Widening first, in a loop of its own: with four vector widenings
     * (bit operations, some fifteen per eight values) inlined into the multiply loop C2 gave up inlining part of the
     * vector code (node count), boxed the vectors (AbstractVector.convert0, a float[] per reinterpretation) and the
     * mat-vec ran at about 1 GB/s (2048 x 8192, one thread: 26 ms). Widened first with those vector operations:
     * 8-11 ms; with this loop: 6-7 ms. Prefill (dot4) reads the widened row for its four activation rows too.
     */
    private static float[] widened(MemorySegment w, long offset, int n) {
        float[][] holder = WIDENED.get();
        if (holder[0].length < n) holder[0] = new float[n];
        float[] wf = holder[0];
        for (int i = 0; i < n; i++) wf[i] = Float.float16ToFloat(w.get(Simd.U16, offset + 2L * i));
        return wf;
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
        int whole = k / 8 * 8;
        float[] wf = widened(w, offset, whole);
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int i = 0;
        for (; i < whole; i += 8) {
            FloatVector wv = FloatVector.fromArray(F256, wf, i);
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
