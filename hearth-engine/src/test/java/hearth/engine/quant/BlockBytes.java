package hearth.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Builds one hand-made block (little-endian) for layout tests. */
final class BlockBytes {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    final MemorySegment seg;

    BlockBytes(int size) {
        seg = MemorySegment.ofArray(new byte[size]);
    }

    BlockBytes half(int off, float v) {
        seg.set(U16, off, Float.floatToFloat16(v));
        return this;
    }

    BlockBytes u32(int off, int v) {
        seg.set(U32, off, v);
        return this;
    }

    BlockBytes u8(int off, int v) {
        seg.set(ValueLayout.JAVA_BYTE, off, (byte) v);
        return this;
    }

    BlockBytes fill(int off, int len, int v) {
        for (int i = 0; i < len; i++) u8(off + i, v);
        return this;
    }

    float[] decode(QuantKernel kern, int k) {
        float[] out = new float[k];
        kern.dequantizeRow(seg, 0, k, out, 0);
        return out;
    }
}
