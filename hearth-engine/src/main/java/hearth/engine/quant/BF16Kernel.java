package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * BF16: bfloat16 (the upper 16 bits of a float), 2 bytes per value. ggml rounds the activations to bf16 first
 * (vec_dot_type BF16), then multiplies in fp32.
 */
final class BF16Kernel extends TiledKernel {

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.BF16;
    }

    static float bf16(MemorySegment w, long off) {
        return Float.intBitsToFloat((w.get(Simd.U16, off) & 0xffff) << 16);
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int i = 0; i < k; i++) dst[dstOffset + i] = bf16(w, offset + 2L * i);
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        float sum = 0;
        int xo = t * a.k;
        for (int i = 0; i < a.k; i++) sum += bf16(w, offset + 2L * i) * a.f[xo + i];
        return sum;
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int k = a.k, xo = t * k;
        float[] x = a.f;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        int i = 0;
        for (; i + 16 <= k; i += 16) {
            long o = offset + 2L * i;
            acc0 = HalfFloats.bf16(w, o).fma(FloatVector.fromArray(F256, x, xo + i), acc0);
            acc1 = HalfFloats.bf16(w, o + 16).fma(FloatVector.fromArray(F256, x, xo + i + 8), acc1);
        }
        for (; i + 8 <= k; i += 8) acc0 = HalfFloats.bf16(w, offset + 2L * i).fma(FloatVector.fromArray(F256, x, xo + i), acc0);
        float sum = Simd.hsumNatural(acc0.add(acc1)); // a fixed order: reduceLanes may add differently once compiled
        for (; i < k; i++) sum += bf16(w, offset + 2L * i) * x[xo + i];
        return sum;
    }
}
