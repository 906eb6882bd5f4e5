package hearth.engine.quant;

import static hearth.engine.quant.Simd.F256;
import static hearth.engine.quant.Simd.dot32;
import static hearth.engine.quant.Simd.fp16;
import static hearth.engine.quant.Simd.shorts;
import static hearth.engine.quant.Simd.toFloat;
import static hearth.engine.quant.Simd.u8;

import hearth.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 values, 18 bytes: {@code fp16 d} at +0, {@code uint8 qs[16]} at +2. Value j (j < 16) is
 * d * ((qs[j] & 15) - 8), value j + 16 is d * ((qs[j] >> 4) - 8). Dot with Q8_0 activations.
 */
final class Q4_0Kernel extends TiledKernel {
    static final int BLOCK = 32, BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeRow(MemorySegment w, long offset, int k, float[] dst, int dstOffset) {
        for (int b = 0; b < k / BLOCK; b++) {
            long o = offset + (long) b * BYTES;
            float d = fp16(w, o);
            int y = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, o + 2 + j);
                dst[y + j] = ((q & 15) - 8) * d;
                dst[y + j + 16] = ((q >> 4) - 8) * d;
            }
        }
    }

    @Override
    public float dotReference(MemorySegment w, long offset, Activations a, int t) {
        int nb = a.k / BLOCK;
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            int xi = t * a.k + b * BLOCK;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, o + 2 + j);
                isum += ((q & 15) - 8) * a.q[xi + j] + ((q >> 4) - 8) * a.q[xi + j + 16];
            }
            sum += isum * (fp16(w, o) * a.d[t * nb + b]);
        }
        return sum;
    }

    /** Low nibbles minus 8: elements 0..15 of the block whose 16 quant bytes were widened to {@code s}. */
    private static ShortVector lo(ShortVector s) {
        return s.and((short) 15).sub((short) 8);
    }

    private static ShortVector hi(ShortVector s) {
        return Simd.highNibbles(s).sub((short) 8);
    }

    @Override
    public float dot(MemorySegment w, long offset, Activations a, int t) {
        if (!Simd.ENABLED) return dotReference(w, offset, a, t);
        int nb = a.k / BLOCK;
        short[] xq = a.q;
        float[] xd = a.d;
        int xo = t * a.k, bo = t * nb;
        // two accumulators, swapped every block (once unrolled, two independent FMA chains; one chain would cap
        // the loop at one block per FMA latency). One copy of the body keeps C2 within its inlining budget.
        FloatVector acc = FloatVector.zero(F256), other = acc;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 2);
            FloatVector next = toFloat(dot32(lo(s), hi(s), xq, xo + b * BLOCK)).fma(FloatVector.broadcast(F256, fp16(w, o) * xd[bo + b]), acc);
            acc = other;
            other = next;
        }
        return acc.add(other).reduceLanes(VectorOperators.ADD);
    }

    @Override
    int tile() {
        return 2;
    }

    @Override
    void dot2(MemorySegment w, long offset, Activations a, int t, float[] out, int outIndex, int outStride) {
        int k = a.k, nb = k / BLOCK;
        short[] xq = a.q;
        float[] xd = a.d;
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0;
        for (int b = 0; b < nb; b++) {
            long o = offset + (long) b * BYTES;
            ShortVector s = shorts(w, o + 2);
            ShortVector lo = lo(s), hi = hi(s);
            float dw = fp16(w, o);
            int x0 = t * k + b * BLOCK, d0 = t * nb + b;
            acc0 = toFloat(dot32(lo, hi, xq, x0)).fma(FloatVector.broadcast(F256, dw * xd[d0]), acc0);
            acc1 = toFloat(dot32(lo, hi, xq, x0 + k)).fma(FloatVector.broadcast(F256, dw * xd[d0 + nb]), acc1);
        }
        out[outIndex] = acc0.reduceLanes(VectorOperators.ADD);
        out[outIndex + outStride] = acc1.reduceLanes(VectorOperators.ADD);
    }
}
