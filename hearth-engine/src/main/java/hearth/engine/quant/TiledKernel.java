package hearth.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * Base for kernels with a 4-activation-row micro-kernel: each weight block is loaded and decoded once and multiplied
 * with four activation rows, so batched mat-muls (prefill) read the weights n/4 times instead of n times.
 */
abstract class TiledKernel implements QuantKernel {

    /**
     * out[outIndex + j * outStride] = row at {@code offset} · activation row t + j, for j = 0..3.
     * The default does four single dots; kernels override it.
     */
    void dot4(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        for (int j = 0; j < 4; j++) out[outIndex + j * outStride] = dot(w, offset, a, t + j);
    }

    @Override
    public void matMul(MemorySegment w, long rowBytes, int rowFrom, int rowTo, Activations a, float[] out, int outStride) {
        int n = a.n;
        int t = 0;
        if (Simd.ENABLED) {
            for (; t + 4 <= n; t += 4) {
                for (int r = rowFrom; r < rowTo; r++) dot4(w, r * rowBytes, a, t, out, t * outStride + r, outStride);
            }
        }
        for (; t < n; t++) {
            for (int r = rowFrom; r < rowTo; r++) out[t * outStride + r] = dot(w, r * rowBytes, a, t);
        }
    }
}
